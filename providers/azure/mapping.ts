import type {
  BackendAddressPool,
  FrontendIPConfiguration,
  LoadBalancer,
  LoadBalancingRule,
  Probe,
  PublicIPAddress,
  SecurityRule,
} from '@azure/arm-network';
import type { Attributes, Resource } from '../../src/core/resource.js';
import { T } from './schemas.js';
import type { AzureSettings } from './settings.js';

/** ARM IDs of what lbctl touches, from names; the graph itself holds names and addresses only. */
export function armIds(s: Pick<AzureSettings, 'subscriptionId' | 'resourceGroup'>) {
  const base = (rg: string) =>
    `/subscriptions/${s.subscriptionId ?? ''}/resourceGroups/${rg}/providers/Microsoft.Network`;
  return {
    lb: (name: string) => `${base(s.resourceGroup)}/loadBalancers/${name}`,
    lbChild: (lb: string, kind: string, name: string) =>
      `${base(s.resourceGroup)}/loadBalancers/${lb}/${kind}/${name}`,
    publicIP: (name: string, rg = s.resourceGroup) => `${base(rg)}/publicIPAddresses/${name}`,
    nsg: (name: string) => `${base(s.resourceGroup)}/networkSecurityGroups/${name}`,
    vnet: (name: string) => `${base(s.resourceGroup)}/virtualNetworks/${name}`,
    subnet: (vnet: string, name: string) =>
      `${base(s.resourceGroup)}/virtualNetworks/${vnet}/subnets/${name}`,
  };
}
export type ArmIds = ReturnType<typeof armIds>;

/** The last segment of an ARM ID (`.../frontendIPConfigurations/x` → `x`). */
export const lastSegment = (id: string | undefined): string => id?.split('/').at(-1) ?? '';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const after = (address: string): string => address.slice(address.indexOf('.') + 1);
/** An observed resource at `address` (`type.name`), with the cloud's ID when it has one. */
const res = (
  { type, address, id }: { type: string; address: string; id: string | undefined },
  attributes: Attributes,
  dependsOn: string[] = [],
): Resource => ({
  type,
  name: after(address),
  ...(id === undefined ? {} : { id }),
  attributes,
  dependsOn,
});

export function observedLoadBalancer(lb: LoadBalancer, address: string): Resource {
  return res(
    { type: T.lb, address, id: lb.id },
    {
      name: str(lb.name),
      location: str(lb.location),
      sku: str(lb.sku?.name),
      tags: { ...(lb.tags ?? {}) },
    },
  );
}

export function observedPool(
  pool: BackendAddressPool,
  address: string,
  lbAddress: string,
  fallbackVnet: string,
): Resource {
  const addrs = pool.loadBalancerBackendAddresses ?? [];
  return res(
    { type: T.pool, address, id: pool.id },
    {
      name: str(pool.name),
      loadbalancer: lbAddress,
      virtual_network:
        addrs[0]?.virtualNetwork?.id === undefined
          ? fallbackVnet
          : lastSegment(addrs[0].virtualNetwork.id),
      addresses: [...new Set(addrs.map((a) => str(a.ipAddress)))].sort(),
    },
    [lbAddress],
  );
}

/** `publicIPs` maps ARM IDs (lower case) of public IPs to their graph address (ours) or address string (others'). */
export function observedFrontend(
  fe: FrontendIPConfiguration,
  address: string,
  lbAddress: string,
  publicIPs: ReadonlyMap<string, { address?: string; ip?: string }>,
): Resource {
  const a: Attributes = { name: str(fe.name), loadbalancer: lbAddress };
  const deps = [lbAddress];
  if (fe.publicIPAddress?.id !== undefined) {
    const pip = publicIPs.get(fe.publicIPAddress.id.toLowerCase());
    if (pip?.address !== undefined) {
      a.public_ip = pip.address;
      deps.push(pip.address);
    } else a.public_ip_address = pip?.ip ?? fe.publicIPAddress.id;
  }
  if (fe.subnet?.id !== undefined) {
    a.subnet = lastSegment(fe.subnet.id);
    a.private_ip_address_version = str(fe.privateIPAddressVersion ?? 'IPv4');
    a.private_ip_allocation = str(fe.privateIPAllocationMethod);
    if (fe.privateIPAddress !== undefined) a.private_ip_address = fe.privateIPAddress;
  }
  return res({ type: T.frontend, address, id: fe.id }, a, deps);
}

export function observedProbe(p: Probe, address: string, lbAddress: string): Resource {
  return res(
    { type: T.probe, address, id: p.id },
    {
      name: str(p.name),
      loadbalancer: lbAddress,
      protocol: str(p.protocol),
      port: num(p.port),
      ...(p.requestPath === undefined ? {} : { request_path: p.requestPath }),
      interval_in_seconds: num(p.intervalInSeconds),
      probe_threshold: num(p.probeThreshold ?? 1),
    },
    [lbAddress],
  );
}

/** `refs` maps a child's name (frontend, pool, probe) to its graph address. */
export function observedRule(
  r: LoadBalancingRule,
  address: string,
  lbAddress: string,
  refs: {
    frontend: (name: string) => string;
    pool: (name: string) => string;
    probe: (name: string) => string;
  },
): Resource {
  const frontend = refs.frontend(lastSegment(r.frontendIPConfiguration?.id));
  const pool = refs.pool(lastSegment(r.backendAddressPool?.id));
  const probe = refs.probe(lastSegment(r.probe?.id));
  return res(
    { type: T.rule, address, id: r.id },
    {
      name: str(r.name),
      loadbalancer: lbAddress,
      frontend_ip_configuration: frontend,
      backend_address_pool: pool,
      probe,
      protocol: str(r.protocol),
      frontend_port: num(r.frontendPort),
      backend_port: num(r.backendPort),
      enable_floating_ip: r.enableFloatingIP === true,
      enable_tcp_reset: r.enableTcpReset === true,
      disable_outbound_snat: r.disableOutboundSnat === true,
      idle_timeout_in_minutes: num(r.idleTimeoutInMinutes),
      load_distribution: str(r.loadDistribution ?? 'Default'),
    },
    [frontend, pool, probe].filter((d) => d.includes('.')),
  );
}

export function observedPublicIP(
  p: PublicIPAddress,
  address: string,
  withResourceGroup: string | undefined,
): Resource {
  return res(
    { type: T.publicIP, address, id: p.id },
    {
      name: str(p.name),
      ...(withResourceGroup === undefined ? {} : { resource_group: withResourceGroup }),
      location: str(p.location),
      sku: str(p.sku?.name),
      allocation_method: str(p.publicIPAllocationMethod),
      ip_version: str(p.publicIPAddressVersion ?? 'IPv4'),
      tags: { ...(p.tags ?? {}) },
      ...(p.ipAddress === undefined ? {} : { ip_address: p.ipAddress }),
    },
  );
}

export function observedSecurityRule(r: SecurityRule, address: string, nsgName: string): Resource {
  const prefixes =
    r.sourceAddressPrefixes !== undefined && r.sourceAddressPrefixes.length > 0
      ? r.sourceAddressPrefixes
      : r.sourceAddressPrefix === undefined
        ? []
        : [r.sourceAddressPrefix];
  return res(
    { type: T.securityRule, address, id: r.id },
    {
      name: str(r.name),
      ...(r.description === undefined ? {} : { description: r.description }),
      network_security_group: nsgName,
      direction: str(r.direction),
      access: str(r.access),
      protocol: str(r.protocol),
      source_port_range: str(r.sourcePortRange),
      source_address_prefixes: [...prefixes].sort(),
      destination_address_prefixes: [
        ...(r.destinationAddressPrefixes?.length
          ? r.destinationAddressPrefixes
          : r.destinationAddressPrefix === undefined
            ? []
            : [r.destinationAddressPrefix]),
      ].sort(),
      destination_port_range: str(r.destinationPortRange),
      priority: num(r.priority),
    },
  );
}

// ---- desired attributes → SDK shapes (execute) ----

const s = (a: Attributes, k: string): string => str(a[k]);
const n = (a: Attributes, k: string): number => num(a[k]);

export function sdkProbe(a: Attributes): Probe {
  return {
    name: s(a, 'name'),
    protocol: s(a, 'protocol'),
    port: n(a, 'port'),
    intervalInSeconds: n(a, 'interval_in_seconds'),
    probeThreshold: n(a, 'probe_threshold'),
    ...(a.request_path === undefined ? {} : { requestPath: s(a, 'request_path') }),
  };
}

export function sdkRule(
  a: Attributes,
  ids: { frontend: string; pool: string; probe: string },
): LoadBalancingRule {
  return {
    name: s(a, 'name'),
    frontendIPConfiguration: { id: ids.frontend },
    backendAddressPool: { id: ids.pool },
    probe: { id: ids.probe },
    protocol: s(a, 'protocol'),
    frontendPort: n(a, 'frontend_port'),
    backendPort: n(a, 'backend_port'),
    enableFloatingIP: a.enable_floating_ip === true,
    enableTcpReset: a.enable_tcp_reset === true,
    disableOutboundSnat: a.disable_outbound_snat === true,
    idleTimeoutInMinutes: n(a, 'idle_timeout_in_minutes'),
    loadDistribution: s(a, 'load_distribution'),
  };
}

export function sdkFrontend(
  a: Attributes,
  refs: { publicIPId?: string; subnetId?: string },
): FrontendIPConfiguration {
  if (refs.publicIPId !== undefined)
    return { name: s(a, 'name'), publicIPAddress: { id: refs.publicIPId } };
  return {
    name: s(a, 'name'),
    subnet: { id: refs.subnetId ?? '' },
    privateIPAddressVersion: s(a, 'private_ip_address_version'),
    privateIPAllocationMethod: s(a, 'private_ip_allocation'),
    ...(a.private_ip_address === undefined ? {} : { privateIPAddress: s(a, 'private_ip_address') }),
  };
}

/** The prefixes as ARM wants them: one in `sourceAddressPrefix`, several in `sourceAddressPrefixes`. */
export function sdkSecurityRule(
  a: Attributes,
  prefixes: readonly string[],
  priority: number,
): SecurityRule {
  const sorted = [...prefixes].sort();
  const destinations = Array.isArray(a.destination_address_prefixes)
    ? a.destination_address_prefixes.map(String).sort()
    : [];
  return {
    name: s(a, 'name'),
    ...(a.description === undefined ? {} : { description: s(a, 'description') }),
    direction: s(a, 'direction'),
    access: s(a, 'access'),
    protocol: s(a, 'protocol'),
    priority,
    sourcePortRange: s(a, 'source_port_range'),
    ...(sorted.length === 1
      ? { sourceAddressPrefix: sorted[0] as string }
      : { sourceAddressPrefixes: sorted }),
    ...(destinations.length === 1
      ? { destinationAddressPrefix: destinations[0] as string }
      : { destinationAddressPrefixes: destinations }),
    destinationPortRange: s(a, 'destination_port_range'),
  };
}
