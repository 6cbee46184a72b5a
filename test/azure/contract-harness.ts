import type { LoadBalancerIntent, Target } from '../../src/core/intent.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { Provider } from '../../src/core/provider.js';
import { publicIPName, serviceNamePrefix } from '../../providers/azure/names.js';
import { AZURE_CLUSTER_TAG, AZURE_SERVICE_UID_TAG } from '../../providers/azure/tags.js';
import type { Obj } from '../fakes/azure/arm.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { providerFor } from './adapter-support.js';
import { intentFixture } from './intent-fixture.js';
import { CLUSTER, RG, startFakeCloud } from './support.js';

const NODES: Target[] = ['a', 'b', 'c', 'd'].map((n, i) => ({
  nodeName: `node-${n}`,
  providerID: `azure:///subscriptions/s/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/node-${n}`,
  internalIP: `10.240.0.${4 + i}`,
}));

/** The provider contract harness for Azure: the real provider and SDK against the HTTPS fake. */
export async function azureContractHarness() {
  const fake: AzureFake = await startFakeCloud({ lro: 'mixed', pollsToComplete: 1 });
  const uids = new Map<string, string>(); // in-tree name prefix → Service UID
  let foreignEtag: string | undefined;
  const remember = (s: ServiceIdentity) => uids.set(serviceNamePrefix(s), s.uid);
  const owner = (childName: string) =>
    uids.get(childName.split('-')[0] ?? '') ?? `unknown(${childName})`;
  const props = (o: Obj | undefined) =>
    (o?.properties ?? {}) as Record<string, { name: string }[] | undefined>;

  return {
    clusterName: CLUSTER,
    async reset() {
      fake.store.clear();
      fake.setFaults(undefined);
      fake.store.put('networkSecurityGroups', RG, 'prod-nsg', {
        location: 'eastus',
        tags: { [AZURE_CLUSTER_TAG]: CLUSTER },
        properties: { securityRules: [] },
      });
      return { nodes: NODES.map((n) => ({ ...n })) };
    },
    connect(options: { faults?: number; seed?: number } = {}): Promise<Provider> {
      if ((options.faults ?? 0) <= 0) return Promise.resolve(providerFor(fake));
      const token = `faulty-${options.seed ?? 1}`;
      fake.setFaults(
        { rate: options.faults ?? 0, seed: options.seed ?? 1, lroFailRate: 0.1 },
        token,
      );
      return Promise.resolve(providerFor(fake, { token }));
    },
    intent(
      service: ServiceIdentity,
      nodes: readonly Target[],
      overrides: Partial<LoadBalancerIntent> = {},
    ): LoadBalancerIntent {
      remember(service);
      // NodePorts are unique in a cluster: spread them by UID.
      const base = 30000 + (parseInt(service.uid.slice(0, 8), 16) % 1000) * 2;
      return intentFixture({
        service,
        clusterName: CLUSTER,
        listeners: [
          { name: 'http', protocol: 'TCP', port: 80, nodePort: base },
          { name: 'https', protocol: 'TCP', port: 443, nodePort: base + 1 },
        ],
        healthCheck: { ...intentFixture().healthCheck, port: base },
        targets: [...nodes],
        ...overrides,
      });
    },
    createForeign(service: ServiceIdentity): Promise<string> {
      const name = publicIPName(CLUSTER, service);
      const stored = fake.store.put('publicIPAddresses', RG, name, {
        location: 'eastus',
        sku: { name: 'Standard' },
        properties: { publicIPAllocationMethod: 'Static' },
        tags: { team: 'someone-else' },
      });
      foreignEtag = String(stored.body.etag);
      return Promise.resolve(name);
    },
    foreignIntact(service: ServiceIdentity): Promise<boolean> {
      const pip = fake.store.get('publicIPAddresses', RG, publicIPName(CLUSTER, service));
      return Promise.resolve(pip !== undefined && pip.etag === foreignEtag);
    },
    inventory(): Promise<string[]> {
      const out: string[] = [];
      for (const lb of fake.store.list('loadBalancers', RG)) {
        if ((lb.tags as Record<string, string> | undefined)?.[AZURE_CLUSTER_TAG] !== CLUSTER)
          continue;
        const users = new Set<string>();
        for (const kind of [
          'backendAddressPools',
          'frontendIPConfigurations',
          'probes',
          'loadBalancingRules',
        ]) {
          for (const child of props(lb)[kind] ?? []) {
            users.add(owner(child.name));
            out.push(`${owner(child.name)} ${kind} ${child.name}`);
          }
        }
        // The shared load balancer counts once for every Service that has something on it.
        for (const uid of users) out.push(`${uid} loadBalancer ${String(lb.name)}`);
      }
      for (const pip of fake.store.list('publicIPAddresses', RG)) {
        const tags = (pip.tags ?? {}) as Record<string, string>;
        if (tags[AZURE_CLUSTER_TAG] === CLUSTER)
          out.push(
            `${tags[AZURE_SERVICE_UID_TAG] ?? 'unknown'} publicIPAddress ${String(pip.name)}`,
          );
      }
      for (const rule of props(fake.store.get('networkSecurityGroups', RG, 'prod-nsg'))
        .securityRules ?? []) {
        out.push(`${owner(rule.name)} securityRule ${rule.name}`);
      }
      return Promise.resolve(out.sort());
    },
    targetWrites(delta: {
      added: number;
      removed: number;
      listeners: number;
    }): Record<string, number> {
      // One write of the Service's pool (backend-pool API) carries the member delta; each
      // listener's security rule names the target nodes as destination, so each changes too.
      return delta.added + delta.removed > 0
        ? {
            'LoadBalancerBackendAddressPools.CreateOrUpdate': 1,
            'NetworkSecurityGroups.CreateOrUpdate': delta.listeners,
          }
        : {};
    },
    close: () => fake.close(),
  };
}
