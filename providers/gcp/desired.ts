import { InvalidInputError } from '../../src/core/errors.js';
import type { LoadBalancerIntent, Listener, Target } from '../../src/core/intent.js';
import type { Protocol } from '../../src/core/k8s.js';
import type { RefusedPort } from '../../src/core/provider.js';
import type { Attributes, Resource, Value } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import { ownershipDescription, ownershipLabels } from './labels.js';
import { checkComputeLimits } from './limits.js';
import {
  HEALTH_CHECK_RANGES,
  healthCheckFirewallName,
  loadBalancerName,
  N,
  perProtocolName,
  T,
  trafficFirewallName,
} from './names.js';
import type { GcpSettings } from './settings.js';
import { DEFAULT_SUBNETWORK } from './settings.js';
import { refuseUnsupportedProtocols } from '../shared/refused-ports.js';

const SUPPORTED: readonly Protocol[] = ['TCP', 'UDP'];

export interface GceInstanceRef {
  project: string;
  zone: string;
  name: string;
}

/** `gce://my-project/us-central1-a/node-1` → its parts; undefined when it is not a GCE provider ID. */
export function parseProviderID(providerID: string): GceInstanceRef | undefined {
  const m =
    /^gce:\/\/([^/]+)\/([a-z]+-[a-z]+[0-9]+-[a-z])\/([a-z]([-a-z0-9]{0,61}[a-z0-9])?)$/.exec(
      providerID,
    );
  return m === null ? undefined : { project: m[1] ?? '', zone: m[2] ?? '', name: m[3] ?? '' };
}

type ModelSettings = Pick<GcpSettings, 'region' | 'network' | 'subnetwork' | 'nodeTags'>;

/**
 * The external (or internal) passthrough Network Load Balancer of one Service, in Google's
 * backend-service design: a regional address, a regional health check, one zonal GCE_VM_IP
 * network endpoint group per zone holding the eligible nodes, a regional backend service and an all-ports forwarding rule per protocol, and two
 * firewalls (client traffic on the Service ports — passthrough keeps the destination port —
 * and Google's health-check probes on the health-check port).
 */
export function desiredResources(intent: LoadBalancerIntent, settings: ModelSettings): Resource[] {
  validate(intent, settings);
  const svc = intent.service;
  const lb = loadBalancerName(svc);
  const external = intent.scheme === 'external';
  const scheme = external ? 'EXTERNAL' : 'INTERNAL';
  const labels = (address: string) =>
    ownershipLabels(intent.clusterName, svc, address, intent.extraTags);
  const description = (address: string) => ownershipDescription(intent.clusterName, svc, address);
  const resources: Resource[] = [];
  const add = (type: string, name: string, attributes: Attributes, dependsOn: string[] = []) => {
    resources.push({ type, name, attributes, dependsOn });
    return addressOf({ type, name });
  };

  const requestedIP = intent.requestedIPs.find((ip) => !ip.includes(':'));
  // A requested external IP is a static address the user reserved (Google lets nobody reserve
  // an external IP of their choosing): the forwarding rules use it by its IP and lbctl never
  // owns, relabels or releases it, as the in-tree provider treats a user-owned IP. Internal
  // IPs can be reserved as given, so lbctl reserves (and owns) those.
  const userAddress = external && requestedIP !== undefined ? requestedIP : undefined;
  const addrAddress = userAddress ?? addressOf({ type: T.address, name: N.address });
  if (userAddress === undefined) {
    add(T.address, N.address, {
      name: lb,
      region: settings.region,
      address_type: scheme,
      ip_version: 'IPV4',
      ...(external
        ? { network_tier: intent.options.gcp?.networkTier ?? 'PREMIUM' }
        : { subnetwork: subnetworkOf(settings), purpose: 'SHARED_LOADBALANCER_VIP' }),
      ...(requestedIP === undefined ? {} : { address: requestedIP }),
      labels: labels(addrAddress),
    });
  }
  const onAddress = userAddress === undefined ? [addrAddress] : [];

  const hc = intent.healthCheck;
  const hcAddress = add(T.healthCheck, N.healthCheck, {
    name: lb,
    region: settings.region,
    type: hc.protocol,
    port: hc.port,
    ...(hc.protocol === 'HTTP' ? { request_path: hc.path ?? '/healthz' } : {}),
    check_interval_sec: hc.intervalSeconds,
    timeout_sec: hc.timeoutSeconds,
    healthy_threshold: hc.healthyThreshold,
    unhealthy_threshold: hc.unhealthyThreshold,
    description: description(addressOf({ type: T.healthCheck, name: N.healthCheck })),
  });

  const groups = new Map<string, string[]>();
  for (const t of intent.targets) {
    const ref = instanceOf(intent, t);
    groups.set(ref.zone, [...(groups.get(ref.zone) ?? []), ref.name]);
  }
  const igAddresses: string[] = [];
  for (const zone of [...groups.keys()].sort()) {
    const name = N.zone(zone);
    const address = addressOf({ type: T.endpointGroup, name });
    igAddresses.push(
      add(T.endpointGroup, name, {
        name: lb,
        zone,
        network: settings.network,
        // Null: the subnetwork of the nodes' nic0, read from the instances when the group is created.
        subnetwork: settings.subnetwork ?? null,
        network_endpoint_type: 'GCE_VM_IP',
        endpoints: [...new Set(groups.get(zone))].sort(),
        description: description(address),
      }),
    );
  }

  for (const protocol of protocolsOf(intent.listeners)) {
    const bsName = N.protocol(protocol);
    const bsAddress = add(
      T.backendService,
      bsName,
      {
        name: perProtocolName(lb, protocol),
        region: settings.region,
        protocol,
        load_balancing_scheme: scheme,
        ...(external ? {} : { network: settings.network }),
        session_affinity: intent.sessionAffinity.type === 'ClientIP' ? 'CLIENT_IP' : 'NONE',
        health_check: hcAddress,
        backends: [...igAddresses],
        description: description(addressOf({ type: T.backendService, name: bsName })),
      },
      [hcAddress, ...igAddresses],
    );
    const frAddress = addressOf({ type: T.forwardingRule, name: bsName });
    add(
      T.forwardingRule,
      bsName,
      {
        name: perProtocolName(lb, protocol),
        region: settings.region,
        load_balancing_scheme: scheme,
        ip_protocol: protocol,
        // All ports, with the traffic firewall allowing only the Service ports: a forwarding
        // rule's ports cannot change in place (and take at most five), so a port change is a
        // firewall update instead of a new forwarding rule, and the IP keeps serving.
        all_ports: true,
        ip_address: addrAddress,
        backend_service: bsAddress,
        ...(external
          ? { network_tier: intent.options.gcp?.networkTier ?? 'PREMIUM' }
          : { network: settings.network, subnetwork: subnetworkOf(settings) }),
        labels: labels(frAddress),
      },
      [...onAddress, bsAddress],
    );
  }

  // The nodes only: the tags of the setting, or (null) the nodes' own tags, read from their
  // instances when the firewall is written (never no tags, which would mean every VM).
  const targetTags = {
    target_tags: settings.nodeTags.length > 0 ? [...settings.nodeTags] : null,
  };
  add(
    T.firewall,
    N.trafficFirewall,
    {
      name: trafficFirewallName(lb),
      network: settings.network,
      direction: 'INGRESS',
      priority: 1000,
      source_ranges: sourceRangesOf(intent),
      // Only to the load balancer's address: a passthrough load balancer keeps the destination IP.
      destination_ranges: [userAddress === undefined ? addrAddress : `${userAddress}/32`],
      allowed: protocolsOf(intent.listeners).map((p) => ({
        protocol: p.toLowerCase(),
        ports: [...new Set(intent.listeners.filter((l) => l.protocol === p).map((l) => l.port))]
          .sort((a, b) => a - b)
          .map(String),
      })),
      ...targetTags,
      description: description(addressOf({ type: T.firewall, name: N.trafficFirewall })),
    },
    [...onAddress, ...igAddresses],
  );
  add(
    T.firewall,
    N.healthCheckFirewall,
    {
      name: healthCheckFirewallName(lb),
      network: settings.network,
      direction: 'INGRESS',
      priority: 1000,
      source_ranges: [...HEALTH_CHECK_RANGES],
      // Probes go to the nodes' own addresses as well as the load balancer's: no destination filter.
      destination_ranges: [],
      allowed: [{ protocol: 'tcp', ports: [String(hc.port)] }],
      ...targetTags,
      description: description(addressOf({ type: T.firewall, name: N.healthCheckFirewall })),
    },
    igAddresses,
  );
  return resources;
}

/**
 * Ports of a protocol Google's passthrough load balancers do not serve (SCTP: a backend-service
 * forwarding rule takes TCP, UDP or L3_DEFAULT, and L3_DEFAULT's extra protocols are ESP, GRE,
 * ICMP — never SCTP), so the pipeline serves the others and reports these in the port status.
 */
export const refusedPortsOf = (intent: LoadBalancerIntent): RefusedPort[] =>
  refuseUnsupportedProtocols(
    intent,
    SUPPORTED,
    (l) =>
      `port ${l.port}/${l.protocol}: Google Cloud passthrough load balancers with a backend service support "TCP", "UDP"`,
  );

function protocolsOf(listeners: readonly Listener[]): Protocol[] {
  return SUPPORTED.filter((p) => listeners.some((l) => l.protocol === p));
}

function sourceRangesOf(intent: LoadBalancerIntent): Value[] {
  if (intent.sourceRanges.length > 0) return [...intent.sourceRanges];
  return ['0.0.0.0/0'];
}

function subnetworkOf(settings: ModelSettings): string {
  return settings.subnetwork ?? DEFAULT_SUBNETWORK;
}

function instanceOf(intent: LoadBalancerIntent, t: Target): { zone: string; name: string } {
  const ref = parseProviderID(t.providerID);
  if (ref === undefined) {
    throw new InvalidInputError(`Node ${t.nodeName}`, [
      {
        type: 'Invalid',
        field: 'spec.providerID',
        value: t.providerID,
        detail: `must be gce://PROJECT/ZONE/INSTANCE for Service ${intent.service.namespace}/${intent.service.name} on provider gcp`,
      },
    ]);
  }
  return ref;
}

function validate(intent: LoadBalancerIntent, settings: ModelSettings): void {
  checkComputeLimits(intent);
  const object = `Service ${intent.service.namespace}/${intent.service.name}`;
  intent.listeners.forEach((l, i) => {
    if (!SUPPORTED.includes(l.protocol)) {
      throw new InvalidInputError(object, [
        {
          type: 'NotSupported',
          field: `spec.ports[${i}].protocol`,
          value: l.protocol,
          detail:
            'Google Cloud passthrough load balancers with a backend service support "TCP", "UDP"',
        },
      ]);
    }
  });
  if (!intent.ipFamilies.includes('IPv4') && intent.ipFamilies.length > 0) {
    throw new InvalidInputError(object, [
      {
        type: 'NotSupported',
        field: 'spec.ipFamilies',
        value: intent.ipFamilies,
        detail: 'lbctl\'s gcp provider creates IPv4 load balancers only; include "IPv4"',
      },
    ]);
  }
  for (const t of intent.targets) {
    const ref = instanceOf(intent, t);
    if (!ref.zone.startsWith(`${settings.region}-`)) {
      throw new InvalidInputError(`Node ${t.nodeName}`, [
        {
          type: 'Invalid',
          field: 'spec.providerID',
          value: t.providerID,
          detail: `zone ${ref.zone} is not in region ${settings.region} (set --set region=...); a regional backend service only takes endpoint groups of its region`,
        },
      ]);
    }
  }
}
