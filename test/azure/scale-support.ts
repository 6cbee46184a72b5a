import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { Provider } from '../../src/core/provider.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { intentFixture, node } from './intent-fixture.js';
import { reconcileOnce } from './reconcile.js';
import { RG } from './support.js';

/** The i-th other Service: its own UID, nodePorts apart from the measured Service's. */
export const otherService = (i: number): ServiceIdentity => ({
  namespace: 'other',
  name: `svc-${i}`,
  uid: `${(0x10000000 + i).toString(16)}-0000-4000-8000-000000000000`,
});

/** Creates `k` other Services on the same cluster through the adapter (shared load balancer, own public IPs). */
export async function createOthers(p: Provider, k: number): Promise<void> {
  for (let i = 0; i < k; i++) {
    const service = otherService(i);
    const base = 31000 + i * 2;
    await reconcileOnce(
      p,
      service,
      intentFixture({
        service,
        targets: [node('node-a', '10.240.0.4')],
        listeners: intentFixture().listeners.map((l, j) => ({ ...l, nodePort: base + j })),
      }),
    );
  }
}

/**
 * Puts `k` load balancers and `k` public IPs of someone else into the resource group directly
 * (as another team's or cluster's would be), so the measured Service shares nothing with them.
 */
export function seedForeign(fake: AzureFake, k: number, tags: Record<string, string> = {}): void {
  for (let i = 0; i < k; i++) {
    fake.store.put('publicIPAddresses', RG, `foreign-pip-${i}`, {
      location: 'eastus',
      sku: { name: 'Standard' },
      tags: { team: 'other', ...tags },
      properties: { publicIPAllocationMethod: 'Static' },
    });
    fake.store.put('loadBalancers', RG, `foreign-lb-${i}`, {
      location: 'eastus',
      sku: { name: 'Standard' },
      tags: { team: 'other', ...tags },
      properties: {},
    });
  }
}
