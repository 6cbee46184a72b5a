import { invalid, required } from './errors.js';
import type { At } from './regional.js';
import { common, PASSTHROUGH, scopeOf, subnetworkOf } from './regional.js';
import type { Json, Store } from './store.js';
import { refPath, selfLink } from './store.js';
import { checkLabels, checkPortSpec, isIPv4, oneOf, stringArray } from './validate.js';

/** Regional forwarding rules, checked as the Compute API v1 does. */
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
  if (body['target'] !== undefined && body['target'] !== '')
    return newTargetPoolRule(store, at, body, { out, scheme, ipProtocol });
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
    extra['networkTier'] = networkTier(body, ip.tier);
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

/**
 * A forwarding rule whose `target` is a target pool (the in-tree provider's design). Per the
 * ForwardingRule reference: `target` and `backendService` are exclusive; a target pool serves
 * the EXTERNAL scheme only; such a rule takes `portRange` (`ports` and `allPorts` are for
 * backend-service rules); `target` is changed only by `setTarget`, never by insert over it.
 */
function newTargetPoolRule(
  store: Store,
  at: At,
  body: Json,
  { out, scheme, ipProtocol }: { out: Json; scheme: string; ipProtocol: string },
): Json {
  if (body['backendService'] !== undefined && body['backendService'] !== '')
    throw invalid(
      'resource.target',
      body['target'],
      'Only one of target and backendService may be specified.',
    );
  if (scheme !== 'EXTERNAL')
    throw invalid(
      'resource.loadBalancingScheme',
      scheme,
      'A forwarding rule with a target pool must use the EXTERNAL load balancing scheme.',
    );
  const poolPath = refPath('resource.target', body['target'], at.project, 'targetPools');
  if (!poolPath.includes(`/regions/${at.region}/`))
    throw invalid('resource.target', body['target'], 'The target pool must be in the same region.');
  store.mustGet(poolPath);
  for (const k of ['ports', 'allPorts'] as const) {
    const v = body[k];
    if (v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0))
      throw invalid(
        `resource.${k}`,
        JSON.stringify(v),
        `${k} is only supported for backend service-based load balancers; use portRange with a target pool.`,
      );
  }
  // ForwardingRule.portRange: empty means all ports for a target-pool rule.
  const [lo, hi] =
    body['portRange'] === undefined || body['portRange'] === ''
      ? [1, 65535]
      : checkPortSpec('resource.portRange', body['portRange']);
  const portFields = { portRange: `${lo}-${hi}` };
  const labels = checkLabels(body['labels']);
  const ip = resolveIP(store, at, body, scheme);
  const tier = networkTier(body, ip.tier);
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
    target: selfLink(poolPath),
    loadBalancingScheme: scheme,
    networkTier: tier,
    labels,
  };
  return {
    ...rule,
    labelFingerprint: store.fingerprint(labels),
    fingerprint: store.fingerprint(rule),
  };
}

/** ForwardingRule.networkTier of an external rule: PREMIUM by default, and the address's tier. */
function networkTier(body: Json, addressTier: string | undefined): 'PREMIUM' | 'STANDARD' {
  const tier = oneOf(
    'resource.networkTier',
    body['networkTier'],
    ['PREMIUM', 'STANDARD'] as const,
    'PREMIUM',
  );
  if (addressTier !== undefined && addressTier !== tier)
    throw invalid(
      'resource.networkTier',
      tier,
      `Must match the network tier ${addressTier} of the address.`,
    );
  return tier;
}
