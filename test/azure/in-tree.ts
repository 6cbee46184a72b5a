import { createHash } from 'node:crypto';
import type { LoadBalancer, NetworkManagementClient, SecurityRule } from '@azure/arm-network';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import { RG } from './support.js';

/**
 * What the in-tree Azure provider (kubernetes-sigs/cloud-provider-azure v1.3x, the
 * cloud-controller-manager's service controller) makes for one Service, created through
 * @azure/arm-network on the fake, as learned from its source (azure_loadbalancer.go,
 * azure_standard.go, azure_loadbalancer_healthprobe.go, securitygroup/): names, shapes and tags,
 * without any tag of lbctl's. The cloud config is a Standard load balancer, the cluster's pool
 * `loadBalancerBackendPoolConfigurationType: nodeIP` (IP-based members, which the fake models;
 * the default NIC-based pool keeps its members on the nodes' NICs), `disableOutboundSNAT` unset.
 */
export interface InTreeOptions {
  /** The CCM's `--cluster-name` (also lbctl's). */
  clusterName: string;
  intent: LoadBalancerIntent;
  subscription: string;
  /** Security rules as before v1.30 (`<frontend>-<PROTO>-<port>-<source>`) instead of the shared `k8s-azure-lb_*`. */
  legacySecurityRules?: boolean;
  /**
   * `spec.loadBalancerIP` on a public IP the user made (this name, in RG): the in-tree provider
   * uses it as it is (a user-assigned public IP: no tags added) instead of making `<cluster>-<fe>`.
   */
  userPublicIP?: string;
  /** The cluster's network security group (its name in the cloud config). */
  securityGroup?: string;
}

export interface InTreeResult {
  /** The Service's address: the public IP's (external) or the frontend's private IP (internal). */
  ip: string;
  publicIPId?: string;
  frontendId: string;
}

const prefixOf = (uid: string) => `a${uid.replaceAll('-', '')}`.slice(0, 32);

export async function createInTreeService(
  sdk: NetworkManagementClient,
  o: InTreeOptions,
): Promise<InTreeResult> {
  const { intent, clusterName } = o;
  const svc = intent.service;
  const internal = intent.scheme === 'internal';
  const lbName = internal ? `${clusterName}-internal` : clusterName;
  const base = `/subscriptions/${o.subscription}/resourceGroups/${RG}/providers/Microsoft.Network`;
  const lbId = `${base}/loadBalancers/${lbName}`;
  const prefix = prefixOf(svc.uid);

  let publicIPId: string | undefined;
  let ip = '';
  if (!internal && o.userPublicIP !== undefined) {
    const pip = await sdk.publicIPAddresses.get(RG, o.userPublicIP);
    publicIPId = pip.id;
    ip = pip.ipAddress ?? '';
  } else if (!internal) {
    // ensurePublicIPExists: `<cluster>-<frontend>`, Standard, Static, tagged with the service and cluster.
    const pip = await sdk.publicIPAddresses.beginCreateOrUpdateAndWait(
      RG,
      `${clusterName}-${prefix}`,
      {
        location: 'eastus',
        sku: { name: 'Standard' },
        publicIPAllocationMethod: 'Static',
        publicIPAddressVersion: 'IPv4',
        tags: {
          'k8s-azure-service': `${svc.namespace}/${svc.name}`,
          'k8s-azure-cluster-name': clusterName,
        },
      },
    );
    publicIPId = pip.id;
    ip = pip.ipAddress ?? '';
  }

  // The load balancer: created bare (only the cloud config's tags, none here), then the
  // cluster's one backend pool `<cluster>` with every node.
  let lb: LoadBalancer | undefined = await sdk.loadBalancers.get(RG, lbName).catch(() => undefined);
  if (lb === undefined) {
    lb = await sdk.loadBalancers.beginCreateOrUpdateAndWait(RG, lbName, {
      location: 'eastus',
      sku: { name: 'Standard' },
    });
    await sdk.loadBalancerBackendAddressPools.beginCreateOrUpdateAndWait(RG, lbName, clusterName, {
      loadBalancerBackendAddresses: intent.targets.map((t) => ({
        name: t.nodeName,
        ipAddress: t.internalIP ?? '',
        virtualNetwork: { id: `${base}/virtualNetworks/vnet` },
      })),
    });
    lb = await sdk.loadBalancers.get(RG, lbName);
  }

  const frontendId = `${lbId}/frontendIPConfigurations/${prefix}`;
  const frontend = internal
    ? {
        name: prefix,
        subnet: { id: `${base}/virtualNetworks/vnet/subnets/subnet` },
        privateIPAllocationMethod: 'Dynamic',
      }
    : { name: prefix, publicIPAddress: { id: publicIPId ?? '' } };
  const probes = [];
  const rules = [];
  const local = intent.externalTrafficPolicy === 'Local';
  const probeId = (name: string) => `${lbId}/probes/${name}`;
  if (local) {
    // externalTrafficPolicy Local: one HTTP probe on the healthCheckNodePort, named as a TCP rule on it.
    probes.push({
      name: `${prefix}-TCP-${intent.healthCheck.port}`,
      protocol: 'Http',
      port: intent.healthCheck.port,
      requestPath: '/healthz',
      intervalInSeconds: 5,
      probeThreshold: 2,
    });
  }
  for (const l of intent.listeners) {
    const name = `${prefix}-${l.protocol}-${l.port}`;
    const tcp = l.protocol === 'TCP';
    // buildHealthProbeRulesForPort: a TCP port's own probe on its nodePort; none for UDP.
    if (tcp && !local)
      probes.push({
        name,
        protocol: 'Tcp',
        port: l.nodePort,
        intervalInSeconds: 5,
        probeThreshold: 2,
      });
    const probe = local ? probes[0]?.name : tcp ? name : undefined;
    rules.push({
      name,
      protocol: tcp ? 'Tcp' : 'Udp',
      frontendPort: l.port,
      // getExpectedLoadBalancingRulePropertiesForPort: floating IP on, backend port = the Service port.
      backendPort: l.port,
      enableFloatingIP: true,
      idleTimeoutInMinutes: 4,
      ...(tcp ? { enableTcpReset: true } : {}),
      disableOutboundSnat: false,
      loadDistribution: intent.sessionAffinity.type === 'ClientIP' ? 'SourceIP' : 'Default',
      frontendIPConfiguration: { id: frontendId },
      backendAddressPool: { id: `${lbId}/backendAddressPools/${clusterName}` },
      ...(probe === undefined ? {} : { probe: { id: probeId(probe) } }),
    });
  }
  const written = await sdk.loadBalancers.beginCreateOrUpdateAndWait(RG, lbName, {
    ...lb,
    frontendIPConfigurations: [...(lb.frontendIPConfigurations ?? []), frontend],
    probes: [...(lb.probes ?? []), ...probes],
    loadBalancingRules: [...(lb.loadBalancingRules ?? []), ...rules],
  });
  if (internal)
    ip = written.frontendIPConfigurations?.find((f) => f.name === prefix)?.privateIPAddress ?? '';

  // reconcileSecurityGroup: to the frontend IP (floating IP) on the Service ports. An internal
  // Service without source ranges gets no rule (the VNet is admitted by the default rules).
  const sources =
    intent.sourceRanges.length > 0 ? [...intent.sourceRanges] : internal ? [] : ['Internet'];
  if (sources.length > 0) await addSecurityRules(sdk, o, { prefix, ip, sources });
  return { ip, ...(publicIPId === undefined ? {} : { publicIPId }), frontendId };
}

async function addSecurityRules(
  sdk: NetworkManagementClient,
  o: InTreeOptions,
  r: { prefix: string; ip: string; sources: string[] },
): Promise<void> {
  const nsgName = o.securityGroup ?? 'prod-nsg';
  const nsg = await sdk.networkSecurityGroups.get(RG, nsgName);
  const existing = nsg.securityRules ?? [];
  const used = new Set(existing.map((x) => x.priority));
  const priority = () => {
    let p = 500;
    while (used.has(p)) p++;
    used.add(p);
    return p;
  };
  const added: SecurityRule[] = [];
  for (const protocol of ['TCP', 'UDP'] as const) {
    const ports = o.intent.listeners
      .filter((l) => l.protocol === protocol)
      .map((l) => String(l.port));
    if (ports.length === 0) continue;
    const proto = protocol === 'TCP' ? 'Tcp' : 'Udp';
    const source =
      r.sources.length === 1
        ? { sourceAddressPrefix: r.sources[0] as string }
        : { sourceAddressPrefixes: [...r.sources].sort() };
    const common = {
      protocol: proto,
      access: 'Allow',
      direction: 'Inbound',
      sourcePortRange: '*',
      ...source,
      destinationAddressPrefix: r.ip,
    };
    if (o.legacySecurityRules === true) {
      // Before v1.30: one rule per port and source, `<frontend>-<PROTO>-<port>-<source>`.
      for (const port of ports)
        for (const src of r.sources) {
          const { sourceAddressPrefixes: _many, ...one } = { ...common, sourceAddressPrefixes: [] };
          added.push({
            ...one,
            name: `${r.prefix}-${protocol}-${port}-${src.replaceAll('/', '_')}`,
            sourceAddressPrefix: src,
            destinationPortRange: port,
            priority: priority(),
          });
        }
      continue;
    }
    // GenerateAllowSecurityRuleName: md5 of protocol, sorted sources and sorted ports.
    const key = [proto, [...r.sources].sort().join(','), [...ports].sort().join(',')].join('_');
    const name = `k8s-azure-lb_allow_IPv4_${createHash('md5').update(key).digest('hex')}`;
    const same = existing.find((x) => x.name === name);
    if (same !== undefined) {
      // Shared with another Service of the same protocol, sources and ports: one more destination.
      const dst = [same.destinationAddressPrefix, ...(same.destinationAddressPrefixes ?? []), r.ip]
        .filter((x): x is string => x !== undefined && x !== '')
        .sort();
      Object.assign(same, { destinationAddressPrefix: undefined, destinationAddressPrefixes: dst });
      continue;
    }
    added.push({ ...common, name, destinationPortRanges: [...ports].sort(), priority: priority() });
  }
  await sdk.networkSecurityGroups.beginCreateOrUpdateAndWait(RG, nsgName, {
    ...nsg,
    securityRules: [...existing, ...added],
  });
}
