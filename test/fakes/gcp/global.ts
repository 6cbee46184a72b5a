import { alreadyExists, badRequest, invalid, notFound } from './errors.js';
import type { Json, Store } from './store.js';
import { refPath, selfLink } from './store.js';
import {
  checkDescription,
  checkName,
  checkPortSpec,
  intIn,
  isCIDR,
  NAME_RE,
  oneOf,
  stringArray,
} from './validate.js';

/** Firewalls (global) and unmanaged instance groups (zonal), checked as the Compute API v1 does. */
export const firewallPath = (project: string, name: string) =>
  `projects/${project}/global/firewalls/${name}`;
export const instanceGroupPath = (project: string, zone: string, name: string) =>
  `projects/${project}/zones/${zone}/instanceGroups/${name}`;

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'esp', 'ah', 'sctp', 'ipip', 'all'];

export function newFirewall(store: Store, project: string, body: Json): Json {
  const name = checkName(body);
  checkDescription(body);
  const path = firewallPath(project, name);
  if (store.get(path) !== undefined) throw alreadyExists(path);
  const networkPath = refPath(
    'resource.network',
    body['network'] ?? 'global/networks/default',
    project,
    'networks',
  );
  store.mustGet(networkPath);
  return {
    kind: 'compute#firewall',
    id: store.id(),
    creationTimestamp: store.now(),
    name,
    description: body['description'] ?? '',
    network: selfLink(networkPath),
    ...firewallFields(body, { direction: 'INGRESS' }),
    logConfig: { enable: false },
    disabled: false,
    selfLink: selfLink(path),
  };
}

/** The updatable part of a firewall; a PATCH may not change name, network or direction. */
export function firewallFields(body: Json, current: Json): Json {
  for (const k of ['name', 'network'] as const) {
    if (
      current[k] !== undefined &&
      body[k] !== undefined &&
      body[k] !== current[k] &&
      !(k === 'network' && String(current[k]).endsWith(String(body[k])))
    ) {
      throw invalid(`resource.${k}`, body[k], `The ${k} of a firewall rule cannot be changed.`);
    }
  }
  if (
    body['direction'] !== undefined &&
    current['direction'] !== undefined &&
    current['name'] !== undefined &&
    body['direction'] !== current['direction']
  ) {
    throw invalid(
      'resource.direction',
      body['direction'],
      'The direction of a firewall rule cannot be changed.',
    );
  }
  if (body['description'] !== undefined) checkDescription(body);
  const direction = oneOf(
    'resource.direction',
    body['direction'] ?? current['direction'],
    ['INGRESS', 'EGRESS'] as const,
    'INGRESS',
  );
  const priority = intIn('resource.priority', body['priority'] ?? current['priority'], {
    min: 0,
    max: 65535,
    fallback: 1000,
  });
  const allowedRaw = body['allowed'] ?? current['allowed'];
  if (body['denied'] !== undefined)
    throw badRequest(
      'invalid',
      'This fake supports allow rules only (lbctl never writes deny rules).',
    );
  if (!Array.isArray(allowedRaw) || allowedRaw.length === 0)
    throw invalid(
      'resource.allowed',
      JSON.stringify(allowedRaw ?? null),
      'A firewall rule must have at least one allowed or denied entry.',
    );
  const allowed = allowedRaw.map((a: unknown, i) => {
    const entry = (a ?? {}) as Json;
    const proto = entry['IPProtocol'];
    if (typeof proto !== 'string' || !(PROTOCOLS.includes(proto) || /^[0-9]{1,3}$/.test(proto))) {
      throw invalid(
        `resource.allowed[${i}].IPProtocol`,
        proto,
        `Must be one of [${PROTOCOLS.join(', ')}] or an IP protocol number.`,
      );
    }
    const ports = stringArray(`resource.allowed[${i}].ports`, entry['ports']);
    if (ports.length > 0 && !['tcp', 'udp', 'sctp', 'all'].includes(proto)) {
      throw invalid(
        `resource.allowed[${i}].ports`,
        ports.join(','),
        'Ports may only be specified for tcp, udp, sctp and all.',
      );
    }
    ports.forEach((p, j) => checkPortSpec(`resource.allowed[${i}].ports[${j}]`, p));
    return ports.length === 0 ? { IPProtocol: proto } : { IPProtocol: proto, ports };
  });
  const sourceRanges = stringArray(
    'resource.sourceRanges',
    body['sourceRanges'] ?? current['sourceRanges'],
  );
  sourceRanges.forEach((r, i) => {
    if (!isCIDR(r))
      throw invalid(`resource.sourceRanges[${i}]`, r, 'Must be a valid IPv4 or IPv6 CIDR range.');
  });
  if (sourceRanges.length > 5000)
    throw invalid('resource.sourceRanges', sourceRanges.length, 'At most 5000 source ranges.');
  // Firewall.destinationRanges: CIDRs, like sourceRanges (Compute v1 REST reference, firewalls).
  const destinationRanges = stringArray(
    'resource.destinationRanges',
    body['destinationRanges'] ?? current['destinationRanges'],
  );
  destinationRanges.forEach((r, i) => {
    if (!isCIDR(r))
      throw invalid(
        `resource.destinationRanges[${i}]`,
        r,
        'Must be a valid IPv4 or IPv6 CIDR range.',
      );
  });
  if (destinationRanges.length > 5000)
    throw invalid(
      'resource.destinationRanges',
      destinationRanges.length,
      'At most 5000 destination ranges.',
    );
  const targetTags = stringArray(
    'resource.targetTags',
    body['targetTags'] ?? current['targetTags'],
  );
  targetTags.forEach((t, i) => {
    if (!NAME_RE.test(t))
      throw invalid(
        `resource.targetTags[${i}]`,
        t,
        "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'",
      );
  });
  return {
    direction,
    priority,
    allowed,
    sourceRanges:
      direction === 'INGRESS' && sourceRanges.length === 0 ? ['0.0.0.0/0'] : sourceRanges,
    ...(destinationRanges.length === 0 ? {} : { destinationRanges }),
    ...(targetTags.length === 0 ? {} : { targetTags }),
    ...(body['description'] !== undefined ? { description: body['description'] } : {}),
  };
}

export function newInstanceGroup(store: Store, project: string, zone: string, body: Json): Json {
  const name = checkName(body);
  checkDescription(body);
  const path = instanceGroupPath(project, zone, name);
  if (store.get(path) !== undefined) throw alreadyExists(path);
  let network: Json = {};
  if (body['network'] !== undefined) {
    const p = refPath('resource.network', body['network'], project, 'networks');
    store.mustGet(p);
    network = { network: selfLink(p) };
  }
  const namedPorts = (body['namedPorts'] ?? []) as unknown;
  if (!Array.isArray(namedPorts))
    throw invalid('resource.namedPorts', namedPorts, 'Must be a list.');
  return {
    kind: 'compute#instanceGroup',
    id: store.id(),
    creationTimestamp: store.now(),
    name,
    description: body['description'] ?? '',
    zone: selfLink(`projects/${project}/zones/${zone}`),
    ...network,
    namedPorts,
    size: 0,
    fingerprint: store.fingerprint(name),
    selfLink: selfLink(path),
  };
}

/** A zonal group (instance group or network endpoint group) as stored, with where it lives. */
export interface GroupAt {
  project: string;
  zone: string;
  group: Json;
}

/** Instance references of an add/remove request → instance paths, checked to exist in the group's zone. */
export function instanceRefs(
  store: Store,
  { project, zone, group }: GroupAt,
  body: Json,
  adding: boolean,
): string[] {
  const raw = body['instances'];
  if (!Array.isArray(raw) || raw.length === 0)
    throw invalid(
      'instances',
      JSON.stringify(raw ?? null),
      'At least one instance reference is required.',
    );
  return raw.map((r: unknown, i) => {
    const path = refPath(
      `instances[${i}].instance`,
      ((r ?? {}) as Json)['instance'],
      project,
      'instances',
    );
    if (!path.includes(`/zones/${zone}/`)) {
      throw invalid(
        `instances[${i}].instance`,
        ((r ?? {}) as Json)['instance'],
        `Instance must be in zone ${zone}, the zone of the instance group.`,
      );
    }
    const instance = store.get(path);
    if (instance === undefined) {
      if (adding) throw notFound(path);
      return path;
    }
    const nic = ((instance.body['networkInterfaces'] as Json[] | undefined) ?? [])[0];
    if (
      adding &&
      group['network'] !== undefined &&
      nic !== undefined &&
      nic['network'] !== group['network']
    ) {
      throw invalid(
        `instances[${i}].instance`,
        path,
        `Instance is not in network ${String(group['network'])} of the instance group.`,
      );
    }
    return path;
  });
}

export const negPath = (project: string, zone: string, name: string) =>
  `projects/${project}/zones/${zone}/networkEndpointGroups/${name}`;

/** Zonal network endpoint groups of type GCE_VM_IP (the passthrough load balancers' per-VM backends). */
export function newNetworkEndpointGroup(
  store: Store,
  project: string,
  zone: string,
  body: Json,
): Json {
  const name = checkName(body);
  checkDescription(body);
  const path = negPath(project, zone, name);
  if (store.get(path) !== undefined) throw alreadyExists(path);
  const type = oneOf('resource.networkEndpointType', body['networkEndpointType'], [
    'GCE_VM_IP',
  ] as const);
  if (body['network'] === undefined)
    throw invalid(
      'resource.network',
      '',
      'A network is required for GCE_VM_IP network endpoint groups.',
    );
  const networkPath = refPath('resource.network', body['network'], project, 'networks');
  const network = store.mustGet(networkPath).body;
  // Zonal NEG overview / networkEndpointGroups.insert: a GCE_VM_IP NEG on a custom-mode VPC
  // (autoCreateSubnetworks false) must name the subnetwork its endpoints are in.
  if (body['subnetwork'] === undefined && network['autoCreateSubnetworks'] !== true)
    throw invalid(
      'resource.subnetwork',
      '',
      `A subnetwork is required for GCE_VM_IP network endpoint groups in custom-mode network ${String(network['name'])}.`,
    );
  let subnetwork: Json = {};
  if (body['subnetwork'] !== undefined) {
    const p = refPath('resource.subnetwork', body['subnetwork'], project, 'subnetworks');
    const region = zone.replace(/-[a-z]$/, '');
    if (!p.includes(`/regions/${region}/`))
      throw invalid(
        'resource.subnetwork',
        body['subnetwork'],
        `The subnetwork must be in region ${region}.`,
      );
    const sub = store.mustGet(p);
    if (sub.body['network'] !== selfLink(networkPath))
      throw invalid(
        'resource.subnetwork',
        body['subnetwork'],
        'The subnetwork is not in the network.',
      );
    subnetwork = { subnetwork: selfLink(p) };
  }
  if (body['defaultPort'] !== undefined)
    throw invalid(
      'resource.defaultPort',
      body['defaultPort'],
      'GCE_VM_IP network endpoint groups have no port.',
    );
  return {
    kind: 'compute#networkEndpointGroup',
    id: store.id(),
    creationTimestamp: store.now(),
    name,
    description: body['description'] ?? '',
    networkEndpointType: type,
    network: selfLink(networkPath),
    ...subnetwork,
    zone: selfLink(`projects/${project}/zones/${zone}`),
    size: 0,
    selfLink: selfLink(path),
  };
}

/**
 * The endpoints of an attach/detach request → `instancePath|ip` keys. GCE_VM_IP endpoints
 * name a VM of the group's zone by name (or URL); the IP, when given, must be its primary IP.
 */
export function endpointKeys(
  store: Store,
  { project, zone, group }: GroupAt,
  body: Json,
  attaching: boolean,
): string[] {
  const raw = body['networkEndpoints'];
  if (!Array.isArray(raw) || raw.length === 0)
    throw invalid(
      'networkEndpoints',
      JSON.stringify(raw ?? null),
      'At least one network endpoint is required.',
    );
  if (raw.length > 500)
    throw invalid('networkEndpoints', raw.length, 'At most 500 network endpoints per request.');
  return raw.map((r: unknown, i) => {
    const e = (r ?? {}) as Json;
    const field = `networkEndpoints[${i}]`;
    if (e['port'] !== undefined)
      throw invalid(`${field}.port`, e['port'], 'GCE_VM_IP endpoints have no port.');
    const instance = e['instance'];
    if (typeof instance !== 'string' || instance === '')
      throw invalid(
        `${field}.instance`,
        instance ?? '',
        'GCE_VM_IP endpoints must name an instance.',
      );
    const path = instance.includes('/')
      ? refPath(`${field}.instance`, instance, project, 'instances')
      : `projects/${project}/zones/${zone}/instances/${instance}`;
    if (!path.includes(`/zones/${zone}/`))
      throw invalid(
        `${field}.instance`,
        instance,
        `The instance must be in zone ${zone}, the zone of the network endpoint group.`,
      );
    const vm = store.get(path);
    if (vm === undefined) {
      if (attaching) throw notFound(path);
      return `${path}|${String(e['ipAddress'] ?? '')}`;
    }
    const nic = ((vm.body['networkInterfaces'] as Json[] | undefined) ?? [])[0] ?? {};
    if (attaching && nic['network'] !== group['network'])
      throw invalid(
        `${field}.instance`,
        instance,
        'The instance is not in the network of the network endpoint group.',
      );
    // NetworkEndpointGroup.subnetwork: "the subnetwork to which all network endpoints in the
    // NEG belong"; a GCE_VM_IP endpoint is the VM's nic0.
    if (attaching && group['subnetwork'] !== undefined && nic['subnetwork'] !== group['subnetwork'])
      throw invalid(
        `${field}.instance`,
        instance,
        `The instance's nic0 is in subnetwork ${String(nic['subnetwork'] ?? 'none')}, not in ${String(group['subnetwork'])} of the network endpoint group.`,
      );
    const ip = String(nic['networkIP'] ?? '');
    if (e['ipAddress'] !== undefined && e['ipAddress'] !== ip)
      throw invalid(
        `${field}.ipAddress`,
        e['ipAddress'],
        `Must be the primary internal IP ${ip} of the instance.`,
      );
    return `${path}|${ip}`;
  });
}
