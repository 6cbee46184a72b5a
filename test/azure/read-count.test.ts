import { describe, expect, it } from 'vitest';
import { providerFor } from './adapter-support.js';
import { intentFixture } from './intent-fixture.js';
import { reconcileOnce } from './reconcile.js';
import { createOthers, seedForeign } from './scale-support.js';
import { startFakeCloud } from './support.js';

/** Issue 9: a Service's no-op reconcile costs the same whatever else is in the resource group. */
describe('Azure no-op reconcile reads are flat in the number of other Services', () => {
  it.each([2, 30])(
    '%i other Services (and as many foreign load balancers and public IPs)',
    async (k) => {
      const fake = await startFakeCloud({ lro: 'sync', pageSize: 10 });
      try {
        const p = providerFor(fake);
        await createOthers(p, k);
        seedForeign(fake, k);
        const intent = intentFixture();
        await reconcileOnce(p, intent.service, intent);
        p.calls.reset();
        const { plan } = await reconcileOnce(p, intent.service, intent);
        expect(plan.steps.every((s) => s.action === 'no-op')).toBe(true);
        expect(p.calls.count({ write: true })).toBe(0);
        // Both shared load balancers, the public IP, the security group: by name, never a list.
        expect(p.calls.count({ write: false })).toBe(4);
        expect(p.calls.calls.map((c) => c.operation).sort()).toEqual([
          'LoadBalancers.Get',
          'LoadBalancers.Get',
          'NetworkSecurityGroups.Get',
          'PublicIPAddresses.Get',
        ]);
      } finally {
        await fake.close();
      }
    },
    120_000,
  );
});
