import { describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import { createAzureProvider } from '../../providers/azure/provider.js';
import { parseAzureSettings } from '../../providers/azure/settings.js';
import { providerFor } from './adapter-support.js';
import { intentFixture } from './intent-fixture.js';
import { reconcileOnce } from './reconcile.js';
import { createOthers, seedForeign } from './scale-support.js';
import { fakeSettings, startFakeCloud } from './support.js';

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

describe('Azure shared parents cached with their ETag (sharedReadMaxAgeMs)', () => {
  it('within the window a no-op observe reads only the public IP and the absent internal load balancer', async () => {
    const fake = await startFakeCloud({ lro: 'sync' });
    try {
      let clock = 0;
      const calls = createCallLog();
      const p = createAzureProvider(parseAzureSettings(fakeSettings(fake)), {
        calls,
        ca: fake.ca,
        sleep: () => Promise.resolve(),
        random: () => 0.5,
        lroIntervalMs: 0,
        now: () => clock,
        sharedReadMaxAgeMs: 10_000,
        retry: { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 1 },
      });
      await createOthers(p, 2);
      const intent = intentFixture();
      await reconcileOnce(p, intent.service, intent);
      calls.reset();
      const { plan } = await reconcileOnce(p, intent.service, intent);
      expect(plan.steps.every((s) => s.action === 'no-op')).toBe(true);
      expect(calls.calls.map((c) => c.operation).sort()).toEqual([
        'LoadBalancers.Get',
        'PublicIPAddresses.Get',
      ]);
      // Past the window every shared parent is read again.
      clock += 10_000;
      calls.reset();
      await reconcileOnce(p, intent.service, intent);
      expect(calls.count()).toBe(4);
    } finally {
      await fake.close();
    }
  });
});
