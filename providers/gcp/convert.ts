import type { protos } from '@google-cloud/compute';
import type { Attributes, Resource, Value } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import { lastSegment, zoneOf } from './api.js';
import { addressFromLabel, parseDescription, RESOURCE_LABEL } from './labels.js';
import { T } from './names.js';

type V1 = typeof protos.google.cloud.compute.v1;
export type CloudAddress = protos.google.cloud.compute.v1.IAddress;
export type CloudHealthCheck = protos.google.cloud.compute.v1.IHealthCheck;
export type CloudBackendService = protos.google.cloud.compute.v1.IBackendService;
export type CloudForwardingRule = protos.google.cloud.compute.v1.IForwardingRule;
export type CloudFirewall = protos.google.cloud.compute.v1.IFirewall;
export type CloudEndpointGroup = protos.google.cloud.compute.v1.INetworkEndpointGroup;
export type { V1 };

/**
 * Cloud objects → resources in exactly the shape `desired` builds (same attribute names and
 * normalisation: names instead of URLs, sorted sets, references as graph addresses), so that
 * an unchanged load balancer plans as no-op.
 */
export function graphName(
  type: string,
  labelsOrDescription: {
    labels?: Record<string, string> | null | undefined;
    description?: string | null | undefined;
  },
): string | undefined {
  const address =
    labelsOrDescription.labels !== undefined && labelsOrDescription.labels !== null
      ? addressFromLabel(labelsOrDescription.labels[RESOURCE_LABEL] ?? '')
      : parseDescription(labelsOrDescription.description)?.address;
  if (address === undefined || !address.startsWith(`${type}.`)) return undefined;
  return address.slice(type.length + 1);
}

/** The graph resource `type.name` for a cloud object: its selfLink is the ID, its cloud name the first attribute. */
const resource = (
  { type, name, cloud }: { type: string; name: string; cloud: CloudNamed },
  attributes: Attributes,
  dependsOn: string[] = [],
): Resource => ({
  type,
  name,
  ...(cloud.selfLink === undefined || cloud.selfLink === null ? {} : { id: cloud.selfLink }),
  attributes: { name: cloud.name ?? '', ...attributes },
  dependsOn: [...new Set(dependsOn)].sort(),
});

interface CloudNamed {
  selfLink?: string | null | undefined;
  name?: string | null | undefined;
}

export function observedAddress(name: string, a: CloudAddress): Resource {
  const external = a.addressType !== 'INTERNAL';
  return resource(
    { type: T.address, name, cloud: a },
    {
      region: lastSegment(a.region),
      address_type: a.addressType ?? 'EXTERNAL',
      ip_version: a.ipVersion ?? 'IPV4',
      ...(external
        ? { network_tier: a.networkTier ?? 'PREMIUM' }
        : { subnetwork: lastSegment(a.subnetwork), purpose: a.purpose ?? 'GCE_ENDPOINT' }),
      address: a.address ?? '',
      labels: { ...(a.labels ?? {}) },
    },
  );
}

export function observedHealthCheck(name: string, h: CloudHealthCheck): Resource {
  const http = h.type === 'HTTP';
  const block = http ? h.httpHealthCheck : h.tcpHealthCheck;
  return resource(
    { type: T.healthCheck, name, cloud: h },
    {
      region: lastSegment(h.region),
      type: h.type ?? '',
      port: block?.port ?? 0,
      ...(http ? { request_path: h.httpHealthCheck?.requestPath ?? '/' } : {}),
      check_interval_sec: h.checkIntervalSec ?? 5,
      timeout_sec: h.timeoutSec ?? 5,
      healthy_threshold: h.healthyThreshold ?? 2,
      unhealthy_threshold: h.unhealthyThreshold ?? 2,
      description: h.description ?? '',
    },
  );
}

export function observedEndpointGroup(
  name: string,
  g: CloudEndpointGroup,
  instances: string[],
): Resource {
  return resource(
    { type: T.endpointGroup, name, cloud: g },
    {
      zone: zoneOf(g.zone ?? g.selfLink),
      network: lastSegment(g.network),
      subnetwork:
        g.subnetwork === undefined || g.subnetwork === null ? null : lastSegment(g.subnetwork),
      network_endpoint_type: g.networkEndpointType ?? '',
      endpoints: [...new Set(instances.map(lastSegment))].sort(),
      description: g.description ?? '',
    },
  );
}

/** Maps cloud URLs back to graph addresses, from the resources observed so far. */
export interface Refs {
  byLink: Map<string, string>;
  byIP: Map<string, string>;
}

export function refsOf(resources: readonly Resource[]): Refs {
  const byLink = new Map<string, string>();
  const byIP = new Map<string, string>();
  for (const r of resources) {
    if (r.id !== undefined) byLink.set(normalise(r.id), addressOf(r));
    const ip = r.attributes['address'];
    if (r.type === T.address && typeof ip === 'string') byIP.set(ip, addressOf(r));
  }
  return { byLink, byIP };
}

const normalise = (url: string) => url.replace(/^https:\/\/[^/]+\/compute\/v1\//, '');
const ref = (refs: Refs, url: string | null | undefined): string =>
  refs.byLink.get(normalise(url ?? '')) ?? lastSegment(url);

export function observedBackendService(name: string, b: CloudBackendService, refs: Refs): Resource {
  const healthCheck = ref(refs, b.healthChecks?.[0]);
  const backends = [...new Set((b.backends ?? []).map((x) => ref(refs, x.group)))].sort();
  const internal = b.loadBalancingScheme === 'INTERNAL';
  return resource(
    { type: T.backendService, name, cloud: b },
    {
      region: lastSegment(b.region),
      protocol: b.protocol ?? 'TCP',
      load_balancing_scheme: b.loadBalancingScheme ?? 'EXTERNAL',
      ...(internal ? { network: lastSegment(b.network) } : {}),
      session_affinity: b.sessionAffinity ?? 'NONE',
      health_check: healthCheck,
      backends,
      description: b.description ?? '',
    },
    [healthCheck, ...backends].filter((a) => a.startsWith('google_')),
  );
}

export function observedForwardingRule(name: string, f: CloudForwardingRule, refs: Refs): Resource {
  const ip = refs.byIP.get(f.IPAddress ?? '') ?? f.IPAddress ?? '';
  const bs = ref(refs, f.backendService);
  const ports: Attributes =
    f.allPorts === true
      ? { all_ports: true }
      : f.portRange !== undefined && f.portRange !== null && f.portRange !== ''
        ? { port_range: f.portRange }
        : { ports: (f.ports ?? []).map(Number).sort((a, b) => a - b) };
  const internal = f.loadBalancingScheme === 'INTERNAL';
  return resource(
    { type: T.forwardingRule, name, cloud: f },
    {
      region: lastSegment(f.region),
      load_balancing_scheme: f.loadBalancingScheme ?? 'EXTERNAL',
      ip_protocol: f.IPProtocol ?? 'TCP',
      ...ports,
      ip_address: ip,
      backend_service: bs,
      ...(internal
        ? { network: lastSegment(f.network), subnetwork: lastSegment(f.subnetwork) }
        : { network_tier: f.networkTier ?? 'PREMIUM' }),
      labels: { ...(f.labels ?? {}) },
    },
    [ip, bs].filter((a) => a.startsWith('google_')),
  );
}

/** `34.120.0.11/32` (or the bare IP, as the in-tree provider writes it) of an observed address → that address; other ranges stay as they are. */
const destinationRef = (refs: Refs, range: string): string =>
  (range.endsWith('/32') ? refs.byIP.get(range.slice(0, -3)) : refs.byIP.get(range)) ?? range;

export function observedFirewall(name: string, f: CloudFirewall, refs: Refs): Resource {
  const tags = [...(f.targetTags ?? [])].sort();
  const destinations = [
    ...new Set((f.destinationRanges ?? []).map((d) => destinationRef(refs, d))),
  ].sort();
  const allowed: Value[] = (f.allowed ?? [])
    .map((a) => ({ protocol: a.IPProtocol ?? '', ports: [...(a.ports ?? [])] }))
    .sort((a, b) => a.protocol.localeCompare(b.protocol));
  return resource(
    { type: T.firewall, name, cloud: f },
    {
      network: lastSegment(f.network),
      direction: f.direction ?? 'INGRESS',
      priority: f.priority ?? 1000,
      source_ranges: [...(f.sourceRanges ?? [])].sort(),
      destination_ranges: destinations,
      allowed,
      target_tags: tags,
      description: f.description ?? '',
    },
    destinations.filter((a) => a.startsWith('google_')),
  );
}
