import { alreadyExists, badRequest, invalid, notFound, required } from './errors.js';
import type { Json, Store } from './store.js';
import { lastSegment, refPath, selfLink } from './store.js';
import {
  checkDescription,
  checkLabels,
  checkName,
  ipInCIDR,
  isIPv4,
  oneOf,
  stringArray,
} from './validate.js';

/**
 * Builders for the regional collections (addresses, healthChecks, backendServices,
 * forwardingRules): each checks a request body as the Compute API v1 does and returns the
 * stored resource. `at` is `{ project, region }` of the request path.
 */
export interface At {
  project: string;
  region: string;
}

export const scopeOf = (at: At) => `regions/${at.region}`;
export const regionalPath = (at: At, collection: string, name: string) =>
  `projects/${at.project}/regions/${at.region}/${collection}/${name}`;

/** The fields every regional resource shares, for a new one of `kind` in `collection`; 409 when the name is taken. */
export function common(
  store: Store,
  at: At,
  body: Json,
  { collection, kind }: { collection: string; kind: string },
): Json {
  const name = checkName(body);
  checkDescription(body);
  const path = regionalPath(at, collection, name);
  if (store.get(path) !== undefined) throw alreadyExists(path);
  return {
    kind,
    id: store.id(),
    creationTimestamp: store.now(),
    name,
    description: body['description'] ?? '',
    region: selfLink(`projects/${at.project}/regions/${at.region}`),
    selfLink: selfLink(path),
  };
}

export function usedIPs(store: Store, at: At): Set<string> {
  return new Set(
    store.list(at.project, scopeOf(at), 'addresses').map((a) => String(a.body['address'])),
  );
}

/** IPs that forwarding rules of this region hold without a reserved address (ephemeral). */
function ephemeralIPs(store: Store, at: At): Set<string> {
  const reserved = usedIPs(store, at);
  return new Set(
    store
      .list(at.project, scopeOf(at), 'forwardingRules')
      .map((r) => String(r.body['IPAddress']))
      .filter((ip) => !reserved.has(ip)),
  );
}

export function subnetworkOf(store: Store, at: At, field: string, value: unknown): Json {
  const path = refPath(field, value, at.project, 'subnetworks');
  if (!path.includes(`/regions/${at.region}/`))
    throw invalid(field, value, 'The subnetwork must be in the same region.');
  return store.mustGet(path).body;
}

export function newAddress(store: Store, at: At, body: Json): Json {
  const out = common(store, at, body, { collection: 'addresses', kind: 'compute#address' });
  const addressType = oneOf(
    'resource.addressType',
    body['addressType'],
    ['EXTERNAL', 'INTERNAL'] as const,
    'EXTERNAL',
  );
  const ipVersion = oneOf('resource.ipVersion', body['ipVersion'], ['IPV4'] as const, 'IPV4');
  const labels = checkLabels(body['labels']);
  const requested = body['address'];
  if (requested !== undefined && !isIPv4(requested))
    throw invalid('resource.address', requested, 'Must be an IPv4 address.');
  let address = requested === undefined ? undefined : String(requested);
  if (addressType === 'EXTERNAL') {
    if (body['subnetwork'] !== undefined)
      throw invalid(
        'resource.subnetwork',
        body['subnetwork'],
        'A subnetwork can only be specified for INTERNAL addresses.',
      );
    if (body['purpose'] !== undefined)
      throw invalid(
        'resource.purpose',
        body['purpose'],
        'Purpose is not supported for EXTERNAL regional addresses.',
      );
    const networkTier = oneOf(
      'resource.networkTier',
      body['networkTier'],
      ['PREMIUM', 'STANDARD'] as const,
      'PREMIUM',
    );
    if (address !== undefined && usedIPs(store, at).has(address))
      throw badRequest('ipAddressNotAvailable', `IP address '${address}' is not available.`);
    // An external IP cannot be chosen: only an ephemeral IP already in use in this project and
    // region can be reserved by naming it ("Promote an ephemeral external IP address",
    // Reserve a static external IP address); any other IP is not the project's to reserve.
    if (address !== undefined && !ephemeralIPs(store, at).has(address))
      throw invalid(
        'resource.address',
        address,
        'Specified IP address is not available to this project: an external address can only be reserved by promoting an ephemeral IP in use in this region.',
      );
    address ??= store.allocateExternalIP();
    Object.assign(out, { networkTier });
  } else {
    if (body['subnetwork'] === undefined) throw required('resource.subnetwork');
    if (body['networkTier'] !== undefined && body['networkTier'] !== 'PREMIUM')
      throw invalid('resource.networkTier', body['networkTier'], 'INTERNAL addresses are PREMIUM.');
    const purpose = oneOf(
      'resource.purpose',
      body['purpose'],
      ['GCE_ENDPOINT', 'SHARED_LOADBALANCER_VIP'] as const,
      'GCE_ENDPOINT',
    );
    const subnet = subnetworkOf(store, at, 'resource.subnetwork', body['subnetwork']);
    const cidr = String(subnet['ipCidrRange']);
    const used = usedIPs(store, at);
    if (address !== undefined) {
      if (!ipInCIDR(address, cidr))
        throw invalid(
          'resource.address',
          address,
          `The address must be in the subnetwork range ${cidr}.`,
        );
      if (used.has(address))
        throw badRequest('ipAddressNotAvailable', `IP address '${address}' is already reserved.`);
    }
    address ??= store.allocateInternalIP(cidr, (ip) => used.has(ip));
    Object.assign(out, {
      purpose,
      subnetwork: subnet['selfLink'],
      network: subnet['network'],
      networkTier: 'PREMIUM',
    });
  }
  return {
    ...out,
    address,
    addressType,
    ipVersion,
    status: 'RESERVED',
    labels,
    labelFingerprint: store.fingerprint(labels),
  };
}

export const PASSTHROUGH = ['EXTERNAL', 'INTERNAL'] as const;

export function newBackendService(store: Store, at: At, body: Json): Json {
  const out = common(store, at, body, {
    collection: 'backendServices',
    kind: 'compute#backendService',
  });
  const loadBalancingScheme = oneOf(
    'resource.loadBalancingScheme',
    body['loadBalancingScheme'],
    PASSTHROUGH,
    'EXTERNAL',
  );
  const fields = backendServiceFields(store, at, body, { loadBalancingScheme });
  return {
    ...out,
    loadBalancingScheme,
    ...fields,
    timeoutSec: 30,
    connectionDraining: { drainingTimeoutSec: 0 },
    fingerprint: store.fingerprint(fields),
  };
}

export function backendServiceFields(store: Store, at: At, body: Json, current: Json): Json {
  const scheme = String(current['loadBalancingScheme']);
  if (body['loadBalancingScheme'] !== undefined && body['loadBalancingScheme'] !== scheme) {
    throw invalid(
      'resource.loadBalancingScheme',
      body['loadBalancingScheme'],
      'The load balancing scheme of a backend service cannot be changed.',
    );
  }
  const protocol = oneOf(
    'resource.protocol',
    body['protocol'] ?? current['protocol'],
    ['TCP', 'UDP', 'UNSPECIFIED'] as const,
    'TCP',
  );
  const sessionAffinity = oneOf(
    'resource.sessionAffinity',
    body['sessionAffinity'] ?? current['sessionAffinity'],
    ['NONE', 'CLIENT_IP', 'CLIENT_IP_PROTO', 'CLIENT_IP_PORT_PROTO'] as const,
    'NONE',
  );
  const hcs = stringArray('resource.healthChecks', body['healthChecks'] ?? current['healthChecks']);
  if (hcs.length !== 1)
    throw invalid(
      'resource.healthChecks',
      JSON.stringify(hcs),
      `A backend service with loadBalancingScheme ${scheme} must have exactly one health check.`,
    );
  const hcPath = refPath('resource.healthChecks[0]', hcs[0], at.project, 'healthChecks');
  if (!hcPath.includes(`/regions/${at.region}/`))
    throw invalid(
      'resource.healthChecks[0]',
      hcs[0],
      'Backend service-based passthrough load balancers need a regional health check in the same region.',
    );
  store.mustGet(hcPath);
  const backends = (body['backends'] ?? current['backends'] ?? []) as unknown;
  if (!Array.isArray(backends)) throw invalid('resource.backends', backends, 'Must be a list.');
  const seen = new Set<string>();
  const checked = backends.map((b: unknown, i) => {
    const backend = (b ?? {}) as Json;
    const field = `resource.backends[${i}]`;
    const path = refPath(`${field}.group`, backend['group'], at.project, [
      'instanceGroups',
      'networkEndpointGroups',
    ]);
    const zone = /\/zones\/([^/]+)\//.exec(path)?.[1] ?? '';
    if (!zone.startsWith(`${at.region}-`))
      throw invalid(
        `${field}.group`,
        backend['group'],
        `The instance group must be in region ${at.region}.`,
      );
    const group = store.mustGet(path);
    if (group.collection === 'instanceGroups')
      checkSingleLoadBalancedGroup(store, path, [...(group.members ?? [])]);
    if (seen.has(path))
      throw invalid(`${field}.group`, backend['group'], 'Duplicate backend group.');
    seen.add(path);
    if (
      [...seen].some((p) => p.includes('/instanceGroups/')) &&
      [...seen].some((p) => p.includes('/networkEndpointGroups/'))
    ) {
      throw invalid(
        `${field}.group`,
        backend['group'],
        'A backend service cannot mix instance group and network endpoint group backends.',
      );
    }
    const balancingMode = oneOf(
      `${field}.balancingMode`,
      backend['balancingMode'],
      ['CONNECTION'] as const,
      'CONNECTION',
    );
    return { group: selfLink(path), balancingMode };
  });
  const network = body['network'] ?? current['network'];
  if (network !== undefined && scheme !== 'INTERNAL')
    throw invalid(
      'resource.network',
      network,
      'A network can only be set on INTERNAL backend services.',
    );
  let networkLink: Json = {};
  if (network !== undefined) {
    const path = refPath('resource.network', network, at.project, 'networks');
    store.mustGet(path);
    networkLink = { network: selfLink(path) };
    // Internal passthrough load balancer backends: "the backends must be in the backend
    // service's VPC network" (regionBackendServices, network field).
    for (const [i, b] of checked.entries()) {
      const group = store.get(
        b.group.replace(/^https:\/\/www\.googleapis\.com\/compute\/v1\//, ''),
      );
      const groupNetwork = group?.body['network'];
      if (groupNetwork !== undefined && groupNetwork !== selfLink(path))
        throw invalid(
          `resource.backends[${i}].group`,
          b.group,
          `The backend is in network ${String(groupNetwork)}, not in ${selfLink(path)} of the backend service.`,
        );
    }
  }
  return {
    protocol,
    sessionAffinity,
    healthChecks: [selfLink(hcPath)],
    backends: checked,
    ...networkLink,
  };
}

export function addressUsers(store: Store, at: At, address: Json): string[] {
  return store
    .list(at.project, scopeOf(at), 'forwardingRules')
    .filter((r) => r.body['IPAddress'] === address['address'])
    .map((r) => String(r.body['selfLink']));
}

export const nameOf = (url: unknown): string => lastSegment(String(url));
export { notFound };

/** Instance group paths that some backend service uses. */
export function loadBalancedGroups(store: Store): Set<string> {
  const out = new Set<string>();
  for (const r of store.resources.values()) {
    if (r.collection !== 'backendServices') continue;
    for (const b of (r.body['backends'] as Json[] | undefined) ?? []) {
      out.add(String(b['group']).replace(/^https:\/\/www\.googleapis\.com\/compute\/v1\//, ''));
    }
  }
  return out;
}

/**
 * Compute Engine lets a VM be in at most one load-balanced instance group (which is why the
 * in-tree provider shares one group per zone between Services).
 */
export function checkSingleLoadBalancedGroup(
  store: Store,
  groupPath: string,
  instances: string[],
): void {
  const balanced = loadBalancedGroups(store);
  for (const other of balanced) {
    if (other === groupPath) continue;
    const members = store.get(other)?.members ?? new Set<string>();
    const shared = instances.find((i) => members.has(i));
    if (shared !== undefined) {
      throw badRequest(
        'invalid',
        `Validation failed for instance '${shared}': instance may belong to at most one load-balanced instance group; it is already in '${other}'.`,
      );
    }
  }
}
