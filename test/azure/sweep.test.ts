import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressOf } from '../../src/core/resource.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { providerFor } from './adapter-support.js';
import { intentFixture } from './intent-fixture.js';
import { reconcileOnce } from './reconcile.js';
import { startFakeCloud } from './support.js';

describe('Azure ownership sweep', () => {
  let fake: AzureFake;
  beforeAll(async () => {
    fake = await startFakeCloud({ lro: 'sync', pageSize: 2 });
  });
  afterAll(() => fake.close());

  it('attributes an internal Service (no public IP) through its security rules, in 3 paged lists of reads', async () => {
    const p = providerFor(fake);
    const intent = intentFixture({ scheme: 'internal' });
    await reconcileOnce(p, intent.service, intent);
    p.calls.reset();
    const swept = await p.sweep({ clusterName: 'prod' });
    expect(p.calls.count({ write: true })).toBe(0);
    expect(new Set(p.calls.calls.map((c) => c.operation))).toEqual(
      new Set(['LoadBalancers.List', 'PublicIPAddresses.List', 'NetworkSecurityGroups.List']),
    );
    const mine = swept.filter((o) => o.service?.uid === intent.service.uid);
    expect(mine.map((o) => addressOf(o.resource)).sort()).toEqual(
      p.desired(intent).map(addressOf).sort(),
    );
    expect(mine.every((o) => o.service?.namespace === 'default' && o.service.name === 'web')).toBe(
      true,
    );
    await reconcileOnce(p, intent.service, null);
  });

  it('reports a child it cannot attribute exactly without a Service (never an orphan)', async () => {
    const p = providerFor(fake);
    const intent = intentFixture({ scheme: 'internal' });
    await reconcileOnce(p, intent.service, intent);
    // The security rules vanish (say, removed by hand): nothing names the children's Service now.
    const nsg = fake.store.get('networkSecurityGroups', 'rg', 'prod-nsg') as Record<
      string,
      unknown
    >;
    fake.store.put('networkSecurityGroups', 'rg', 'prod-nsg', {
      ...nsg,
      properties: { securityRules: [] },
    });
    const swept = await p.sweep({ clusterName: 'prod' });
    expect(swept.filter((o) => o.service !== undefined)).toEqual([]);
    expect(swept.length).toBeGreaterThan(0);
  });
});
