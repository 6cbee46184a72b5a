import type { Attributes, Resource } from '../../src/core/resource.js';
import { LbctlError } from '../../src/core/errors.js';
import type { Gcp } from './api.js';
import type {
  CloudAddress,
  CloudBackendService,
  CloudFirewall,
  CloudForwardingRule,
  CloudHealthCheck,
  CloudEndpointGroup,
} from './convert.js';

/** Desired attributes → Compute API request bodies; graph references resolved through `state`. */
const str = (a: Attributes, k: string): string => String(a[k] ?? '');
const strs = (a: Attributes, k: string): string[] =>
  Array.isArray(a[k]) ? (a[k] as unknown[]).map(String) : [];

export function referenced(
  state: ReadonlyMap<string, Resource>,
  address: string,
  from: string,
): Resource {
  const r = state.get(address);
  if (r === undefined) {
    throw new LbctlError(
      'terminal',
      `${from} refers to ${address}, which is not in the state given to execute (apply out of order?)`,
    );
  }
  return r;
}

export function addressBody(gcp: Gcp, a: Attributes): CloudAddress {
  return {
    name: str(a, 'name'),
    addressType: str(a, 'address_type'),
    ipVersion: str(a, 'ip_version'),
    ...(a['network_tier'] === undefined ? {} : { networkTier: str(a, 'network_tier') }),
    ...(a['subnetwork'] === undefined
      ? {}
      : { subnetwork: gcp.regionPath('subnetworks', str(a, 'subnetwork')) }),
    ...(a['purpose'] === undefined ? {} : { purpose: str(a, 'purpose') }),
    ...(a['address'] === undefined ? {} : { address: str(a, 'address') }),
    labels: { ...((a['labels'] ?? {}) as Record<string, string>) },
  };
}

export function healthCheckBody(a: Attributes): CloudHealthCheck {
  const http = a['type'] === 'HTTP';
  return {
    name: str(a, 'name'),
    type: str(a, 'type'),
    ...(http
      ? { httpHealthCheck: { port: Number(a['port']), requestPath: str(a, 'request_path') } }
      : { tcpHealthCheck: { port: Number(a['port']) } }),
    checkIntervalSec: Number(a['check_interval_sec']),
    timeoutSec: Number(a['timeout_sec']),
    healthyThreshold: Number(a['healthy_threshold']),
    unhealthyThreshold: Number(a['unhealthy_threshold']),
    description: str(a, 'description'),
  };
}

/** `subnetwork`: the group's (from the setting or the nodes' nic0), in the group's region. */
export function endpointGroupBody(gcp: Gcp, a: Attributes, subnetwork: string): CloudEndpointGroup {
  return {
    name: str(a, 'name'),
    networkEndpointType: str(a, 'network_endpoint_type'),
    network: gcp.globalPath('networks', str(a, 'network')),
    subnetwork: `projects/${gcp.project}/regions/${str(a, 'zone').replace(/-[a-z]$/, '')}/subnetworks/${subnetwork}`,
    description: str(a, 'description'),
  };
}

export function groupURL(
  gcp: Gcp,
  state: ReadonlyMap<string, Resource>,
  address: string,
  from: string,
): string {
  const g = referenced(state, address, from).attributes;
  return gcp.zonePath(str(g, 'zone'), 'networkEndpointGroups', str(g, 'name'));
}

export function backendServiceBody(
  gcp: Gcp,
  a: Attributes,
  state: ReadonlyMap<string, Resource>,
  from: string,
): CloudBackendService {
  const hc = referenced(state, str(a, 'health_check'), from).attributes;
  return {
    name: str(a, 'name'),
    protocol: str(a, 'protocol'),
    loadBalancingScheme: str(a, 'load_balancing_scheme'),
    ...(a['network'] === undefined
      ? {}
      : { network: gcp.globalPath('networks', str(a, 'network')) }),
    sessionAffinity: str(a, 'session_affinity'),
    healthChecks: [gcp.regionPath('healthChecks', str(hc, 'name'))],
    backends: strs(a, 'backends').map((b) => ({
      group: groupURL(gcp, state, b, from),
      balancingMode: 'CONNECTION',
    })),
    description: str(a, 'description'),
  };
}

export function forwardingRuleBody(
  gcp: Gcp,
  a: Attributes,
  state: ReadonlyMap<string, Resource>,
  from: string,
): CloudForwardingRule {
  const bs = referenced(state, str(a, 'backend_service'), from).attributes;
  // A graph address is lbctl's reserved address; anything else is the IP of the user's own.
  const target = str(a, 'ip_address');
  const address: Attributes = target.startsWith('google_')
    ? referenced(state, target, from).attributes
    : { address: target };
  const ip = address['address'];
  return {
    name: str(a, 'name'),
    loadBalancingScheme: str(a, 'load_balancing_scheme'),
    IPProtocol: str(a, 'ip_protocol'),
    ...(a['ports'] !== undefined ? { ports: strs(a, 'ports') } : {}),
    ...(a['port_range'] !== undefined ? { portRange: str(a, 'port_range') } : {}),
    ...(a['all_ports'] === true ? { allPorts: true } : {}),
    IPAddress:
      typeof ip === 'string' && ip !== '' ? ip : gcp.regionPath('addresses', str(address, 'name')),
    backendService: gcp.regionPath('backendServices', str(bs, 'name')),
    ...(a['network_tier'] === undefined ? {} : { networkTier: str(a, 'network_tier') }),
    ...(a['network'] === undefined
      ? {}
      : { network: gcp.globalPath('networks', str(a, 'network')) }),
    ...(a['subnetwork'] === undefined
      ? {}
      : { subnetwork: gcp.regionPath('subnetworks', str(a, 'subnetwork')) }),
    labels: { ...((a['labels'] ?? {}) as Record<string, string>) },
  };
}

/** What a firewall body needs besides its attributes: the plan's state (the address's IP) and the target tags to write. */
export interface FirewallContext {
  state: ReadonlyMap<string, Resource>;
  from: string;
  targetTags: readonly string[];
}

/** A destination that is a graph address is that address's IP as a /32; anything else is a CIDR already. */
function destinationOf(d: string, { state, from }: FirewallContext): string {
  if (!d.startsWith('google_')) return d;
  const ip = referenced(state, d, from).attributes['address'];
  if (typeof ip !== 'string' || ip === '')
    throw new LbctlError(
      'terminal',
      `${from}: the IP of ${d} is not known yet (apply out of order?)`,
    );
  return `${ip}/32`;
}

export function firewallBody(gcp: Gcp, a: Attributes, ctx: FirewallContext): CloudFirewall {
  const allowed = (Array.isArray(a['allowed']) ? a['allowed'] : []) as {
    protocol: string;
    ports: string[];
  }[];
  return {
    name: str(a, 'name'),
    network: gcp.globalPath('networks', str(a, 'network')),
    direction: str(a, 'direction'),
    priority: Number(a['priority']),
    sourceRanges: strs(a, 'source_ranges'),
    destinationRanges: strs(a, 'destination_ranges').map((d) => destinationOf(d, ctx)),
    allowed: allowed.map((x) => ({ IPProtocol: x.protocol, ports: [...x.ports] })),
    targetTags: [...ctx.targetTags],
    description: str(a, 'description'),
  };
}
