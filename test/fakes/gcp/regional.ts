import { alreadyExists, badRequest, invalid, notFound, required } from './errors.js';
import type { Json, Store } from './store.js';
import { lastSegment, refPath, selfLink } from './store.js';
import {
  checkDescription,
  checkLabels,
  checkName,
  checkPortSpec,
  intIn,
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

const scopeOf = (at: At) => `regions/${at.region}`;
export const regionalPath = (at: At, collection: string, name: string) =>
  `projects/${at.project}/regions/${at.region}/${collection}/${name}`;

/** The fields every regional resource shares, for a new one of `kind` in `collection`; 409 when the name is taken. */
function common(
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

function usedIPs(store: Store, at: At): Set<string> {
  return new Set(
    store.list(at.project, scopeOf(at), 'addresses').map((a) => String(a.body['address'])),
  );
}

function subnetworkOf(store: Store, at: At, field: string, value: unknown): Json {
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

export function newHealthCheck(store: Store, at: At, body: Json): Json {
  const out = common(store, at, body, {
    collection: 'healthChecks',
    kind: 'compute#healthCheck',
  });
  return { ...out, ...healthCheckFields(body, {}) };
}

const HEALTH_CHECK_TYPES = ['TCP', 'HTTP', 'HTTPS', 'SSL', 'HTTP2'] as const;

/** The updatable part of a health check; `current` supplies what a PATCH leaves out. */
export function healthCheckFields(body: Json, current: Json): Json {
  const type = oneOf('resource.type', body['type'] ?? current['type'], HEALTH_CHECK_TYPES);
  const blockName = `${type.toLowerCase()}HealthCheck`;
  // HealthCheck: "the type must match the one ...HealthCheck field that is set" (Compute v1
  // REST reference, healthChecks); a merge-PATCHed type change keeps the old block and is refused.
  const stale = HEALTH_CHECK_TYPES.map((t) => `${t.toLowerCase()}HealthCheck`).find(
    (b) => b !== blockName && body[b] !== undefined && body[b] !== null,
  );
  if (stale !== undefined)
    throw invalid(
      `resource.${stale}`,
      JSON.stringify(body[stale]),
      `A health check of type ${type} may only set ${blockName}.`,
    );
  const block = (body[blockName] ??
    (body['type'] === undefined ? current[blockName] : undefined) ??
    {}) as Json;
  const port = intIn(`resource.${blockName}.port`, block['port'], {
    min: 1,
    max: 65535,
    fallback: type === 'HTTPS' ? 443 : 80,
  });
  const fields: Json = { port, proxyHeader: 'NONE' };
  if (type.startsWith('HTTP')) {
    const requestPath = block['requestPath'] ?? '/';
    if (typeof requestPath !== 'string' || !requestPath.startsWith('/'))
      throw invalid(`resource.${blockName}.requestPath`, requestPath, "Must start with '/'.");
    fields['requestPath'] = requestPath;
  }
  const pick = (k: string, min: number, max: number, dflt: number) =>
    intIn(`resource.${k}`, body[k] ?? current[k], { min, max, fallback: dflt });
  const checkIntervalSec = pick('checkIntervalSec', 1, 300, 5);
  const timeoutSec = pick('timeoutSec', 1, 300, 5);
  if (timeoutSec > checkIntervalSec)
    throw invalid(
      'resource.timeoutSec',
      timeoutSec,
      'TimeoutSec should be less than checkIntervalSec.',
    );
  return {
    type,
    [blockName]: fields,
    checkIntervalSec,
    timeoutSec,
    healthyThreshold: pick('healthyThreshold', 1, 10, 2),
    unhealthyThreshold: pick('unhealthyThreshold', 1, 10, 2),
  };
}

const PASSTHROUGH = ['EXTERNAL', 'INTERNAL'] as const;

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
  }
  return {
    protocol,
    sessionAffinity,
    healthChecks: [selfLink(hcPath)],
    backends: checked,
    ...networkLink,
  };
}

export function newForwardingRule(store: Store, at: At, body: Json): Json {
  const out = common(store, at, body, {
    collection: 'forwardingRules',
    kind: 'compute#forwardingRule',
  });
  const scheme = oneOf(
    'resource.loadBalancingScheme',
    body['loadBalancingScheme'],
    PASSTHROUGH,
    'EXTERNAL',
  );
  const ipProtocol = oneOf(
    'resource.IPProtocol',
    body['IPProtocol'],
    ['TCP', 'UDP', 'SCTP', 'L3_DEFAULT'] as const,
    'TCP',
  );
  if (body['backendService'] === undefined) throw required('resource.backendService');
  const bsPath = refPath(
    'resource.backendService',
    body['backendService'],
    at.project,
    'backendServices',
  );
  const bs = store.mustGet(bsPath).body;
  if (bs['loadBalancingScheme'] !== scheme)
    throw invalid(
      'resource.loadBalancingScheme',
      scheme,
      `Must match the backend service's load balancing scheme ${String(bs['loadBalancingScheme'])}.`,
    );
  if (
    bs['protocol'] !== ipProtocol &&
    !(bs['protocol'] === 'UNSPECIFIED' && ipProtocol === 'L3_DEFAULT')
  ) {
    throw invalid(
      'resource.IPProtocol',
      ipProtocol,
      `Must match the backend service protocol ${String(bs['protocol'])}.`,
    );
  }
  const portFields = forwardingPorts(body, scheme);
  const labels = checkLabels(body['labels']);
  const ip = resolveIP(store, at, body, scheme);
  const extra: Json = {};
  if (scheme === 'EXTERNAL') {
    const tier = oneOf(
      'resource.networkTier',
      body['networkTier'],
      ['PREMIUM', 'STANDARD'] as const,
      'PREMIUM',
    );
    if (ip.tier !== undefined && ip.tier !== tier)
      throw invalid(
        'resource.networkTier',
        tier,
        `Must match the network tier ${ip.tier} of the address.`,
      );
    extra['networkTier'] = tier;
  } else {
    if (body['subnetwork'] === undefined) throw required('resource.subnetwork');
    const subnet = subnetworkOf(store, at, 'resource.subnetwork', body['subnetwork']);
    Object.assign(extra, {
      subnetwork: subnet['selfLink'],
      network: subnet['network'],
      networkTier: 'PREMIUM',
    });
  }
  checkPortConflicts(store, at, {
    ip: ip.ip,
    protocol: ipProtocol,
    ports: portFields,
    shared: ip.shared,
  });
  const rule = {
    ...out,
    IPAddress: ip.ip,
    IPProtocol: ipProtocol,
    ...portFields,
    backendService: selfLink(bsPath),
    loadBalancingScheme: scheme,
    ...extra,
    labels,
  };
  return {
    ...rule,
    labelFingerprint: store.fingerprint(labels),
    fingerprint: store.fingerprint(rule),
  };
}

function forwardingPorts(body: Json, scheme: string): Json {
  const given = ['ports', 'portRange', 'allPorts'].filter(
    (k) =>
      body[k] !== undefined &&
      body[k] !== false &&
      !(Array.isArray(body[k]) && (body[k] as unknown[]).length === 0),
  );
  if (given.length > 1)
    throw invalid(
      `resource.${given[1] ?? ''}`,
      '',
      'Only one of ports, portRange and allPorts may be specified.',
    );
  if (given.length === 0) throw required('resource.ports');
  if (body['allPorts'] === true) return { allPorts: true };
  if (body['portRange'] !== undefined) {
    if (scheme === 'INTERNAL')
      throw invalid(
        'resource.portRange',
        body['portRange'],
        'portRange is not supported for the INTERNAL load balancing scheme; use ports or allPorts.',
      );
    const [lo, hi] = checkPortSpec('resource.portRange', body['portRange']);
    return { portRange: `${lo}-${hi}` };
  }
  const ports = stringArray('resource.ports', body['ports']);
  if (ports.length > 5)
    throw invalid('resource.ports', ports.join(','), 'At most 5 ports can be specified.');
  ports.forEach((p, i) => {
    const [lo, hi] = checkPortSpec(`resource.ports[${i}]`, p);
    if (lo !== hi) throw invalid(`resource.ports[${i}]`, p, 'Must be a single port.');
  });
  if (new Set(ports).size !== ports.length)
    throw invalid('resource.ports', ports.join(','), 'Ports must be unique.');
  return { ports };
}

function resolveIP(
  store: Store,
  at: At,
  body: Json,
  scheme: string,
): { ip: string; tier?: string; shared: boolean } {
  const v = body['IPAddress'];
  if (v === undefined)
    return {
      ip:
        scheme === 'EXTERNAL'
          ? store.allocateExternalIP()
          : store.allocateInternalIP('10.128.0.0/20', () => false),
      shared: false,
    };
  const address = isIPv4(v)
    ? store.list(at.project, scopeOf(at), 'addresses').find((a) => a.body['address'] === v)?.body
    : store.mustGet(refPath('resource.IPAddress', v, at.project, 'addresses')).body;
  if (address === undefined) {
    if (scheme === 'EXTERNAL')
      throw invalid(
        'resource.IPAddress',
        v,
        'The specified IP address is not reserved in this project and region.',
      );
    return { ip: String(v), shared: false };
  }
  if (address['addressType'] !== scheme)
    throw invalid(
      'resource.IPAddress',
      v,
      `An ${String(address['addressType'])} address cannot be used with the ${scheme} load balancing scheme.`,
    );
  return {
    ip: String(address['address']),
    tier: String(address['networkTier']),
    shared: address['purpose'] === 'SHARED_LOADBALANCER_VIP' || scheme === 'EXTERNAL',
  };
}

function portSet(rule: Json): [number, number][] {
  if (rule['allPorts'] === true) return [[1, 65535]];
  if (typeof rule['portRange'] === 'string') return [checkPortSpec('portRange', rule['portRange'])];
  return (rule['ports'] as string[]).map((p) => [Number(p), Number(p)]);
}

/** A new forwarding rule on `ip`: the address must be shared, and no rule of the same protocol may overlap its ports. */
function checkPortConflicts(
  store: Store,
  at: At,
  { ip, protocol, ports, shared }: { ip: string; protocol: string; ports: Json; shared: boolean },
): void {
  const mine = portSet(ports);
  for (const other of store.list(at.project, scopeOf(at), 'forwardingRules')) {
    if (other.body['IPAddress'] !== ip) continue;
    if (!shared)
      throw invalid(
        'resource.IPAddress',
        ip,
        'Specified IP address is in-use and would result in a conflict. Internal addresses shared by several forwarding rules need purpose SHARED_LOADBALANCER_VIP.',
      );
    if (other.body['IPProtocol'] !== protocol) continue;
    const overlap = portSet(other.body).some(([a, b]) => mine.some(([c, d]) => a <= d && c <= b));
    if (overlap)
      throw invalid(
        'resource.IPAddress',
        ip,
        `Specified IP address is in-use and would result in a conflict with forwarding rule ${String(other.body['name'])}.`,
      );
  }
}

/** Who uses a regional resource (delete refuses with resourceInUseByAnotherResource). */
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
