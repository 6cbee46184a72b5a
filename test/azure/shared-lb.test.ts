import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/index.js';
import { plan } from '../../src/plan/index.js';
import type { Obj } from '../fakes/azure/arm.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { providerFor } from './adapter-support.js';
import { intentFixture } from './intent-fixture.js';
import { converge, reconcileOnce } from './reconcile.js';
import { RG, startFakeCloud } from './support.js';

const web = intentFixture();
const api = intentFixture({
  service: { namespace: 'shop', name: 'api', uid: '9b2e4c6a-1111-4222-8333-444455556666' },
  listeners: [{ name: 'grpc', protocol: 'TCP', port: 9000, nodePort: 31900 }],
  healthCheck: { ...web.healthCheck, port: 31900 },
});

type Lb = { properties: Record<string, { name: string }[]> };
const children = (fake: AzureFake, kind: string) =>
  ((fake.store.get('loadBalancers', RG, 'prod') as Lb | undefined)?.properties[kind] ?? [])
    .map((c) => c.name)
    .sort();

describe('two Services on the shared load balancer', () => {
  let fake: AzureFake;
  beforeAll(async () => {
    fake = await startFakeCloud({ lro: 'async', pollsToComplete: 1 });
  });
  afterAll(() => fake.close());

  it('reconciled concurrently by two workers, both survive (etag conflicts re-read, never overwritten)', async () => {
    // Two provider instances: two controller replicas or workers, each with its own cached etags.
    const [a, b] = [providerFor(fake), providerFor(fake)];
    await Promise.all([converge(a, web.service, web), converge(b, api.service, api)]);
    expect(children(fake, 'frontendIPConfigurations')).toEqual([
      'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2',
      'a9b2e4c6a11114222833344445555666',
    ]);
    expect(children(fake, 'loadBalancingRules')).toEqual([
      'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-443',
      'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-80',
      'a9b2e4c6a11114222833344445555666-TCP-9000',
    ]);
    expect(fake.count({ status: 412 }) + fake.count({ status: 409 })).toBeGreaterThan(0);
    for (const [p, i] of [
      [a, web],
      [b, api],
    ] as const) {
      const { plan: result } = await reconcileOnce(p, i.service, i);
      expect(result.steps.filter((s) => s.action !== 'no-op')).toEqual([]);
    }
  });

  it('a write that lost the race (412) re-reads and keeps the other writer’s change', async () => {
    const p = providerFor(fake);
    const next = intentFixture({ sessionAffinity: { type: 'ClientIP', timeoutSeconds: 60 } });
    const desired = p.desired(next);
    const observed = await p.observe({ service: web.service, desired }, { clusterName: 'prod' }); // caches the etag
    // Someone else changes the load balancer after our read: our cached etag is now stale.
    const body = structuredClone(fake.store.raw('loadBalancers', RG, 'prod')) as unknown as {
      properties: { probes: { name: string; properties: object }[] };
    };
    body.properties.probes.push({
      name: 'someone-else',
      properties: { protocol: 'Tcp', port: 1234 },
    });
    fake.store.put('loadBalancers', RG, 'prod', body as unknown as Obj);
    const before = fake.count({ status: 412 });
    const changes = plan({ service: web.service, provider: p, desired, observed });
    await apply(changes, p, { observed, ctx: { clusterName: 'prod' } });
    expect(fake.count({ status: 412 }) - before).toBeGreaterThan(0);
    expect(children(fake, 'probes')).toContain('someone-else');
    const rules = (
      fake.store.get('loadBalancers', RG, 'prod') as {
        properties: {
          loadBalancingRules: { name: string; properties: { loadDistribution: string } }[];
        };
      }
    ).properties.loadBalancingRules;
    expect(
      rules.filter((r) => r.name.startsWith('a3f1')).map((r) => r.properties.loadDistribution),
    ).toEqual(['SourceIP', 'SourceIP']);
    // Put the load balancer back as it was for the next tests.
    await mutateOut(fake);
  });

  it('deleting one Service keeps the other’s frontend, pool, rules and the load balancer', async () => {
    const p = providerFor(fake);
    const { plan: result } = await reconcileOnce(p, web.service, null);
    expect(result.steps.map((s) => s.address)).not.toContain('azurerm_lb.shared');
    expect(children(fake, 'frontendIPConfigurations')).toEqual([
      'a9b2e4c6a11114222833344445555666',
    ]);
    expect(children(fake, 'backendAddressPools')).toEqual(['a9b2e4c6a11114222833344445555666']);
    const { plan: other } = await reconcileOnce(providerFor(fake), api.service, api);
    expect(other.steps.filter((s) => s.action !== 'no-op')).toEqual([]);
  });

  it('deleting the last Service deletes the shared load balancer too', async () => {
    const { plan: result } = await reconcileOnce(providerFor(fake), api.service, null);
    expect(result.steps.find((s) => s.address === 'azurerm_lb.shared')?.action).toBe('delete');
    expect(fake.store.list('loadBalancers', RG)).toEqual([]);
    expect(fake.store.list('publicIPAddresses', RG)).toEqual([]);
  });

  it('planned together and applied one after the other (lbctl destroy), nothing is left', async () => {
    await Promise.all([
      converge(providerFor(fake), web.service, web),
      converge(providerFor(fake), api.service, api),
    ]);
    const p = providerFor(fake);
    const ctx = { clusterName: 'prod' };
    const plans = [];
    for (const s of [web.service, api.service]) {
      const observed = await p.observe({ service: s, desired: [] }, ctx);
      plans.push({ plan: plan({ service: s, provider: p, desired: [], observed }), observed });
    }
    // Each plan saw the other Service on the load balancer, so neither shows its deletion...
    expect(
      plans.every(({ plan: x }) => x.steps.every((st) => st.address !== 'azurerm_lb.shared')),
    ).toBe(true);
    for (const { plan: x, observed } of plans) await apply(x, p, { observed, ctx });
    // ...yet the last piece removed takes the empty load balancer with it.
    expect(fake.store.list('loadBalancers', RG)).toEqual([]);
  });

  it('concurrent deletes of both Services leave nothing behind', async () => {
    await Promise.all([
      converge(providerFor(fake), web.service, web),
      converge(providerFor(fake), api.service, api),
    ]);
    await Promise.all([
      converge(providerFor(fake), web.service, null),
      converge(providerFor(fake), api.service, null),
    ]);
    // Whichever finished last saw an empty load balancer; a re-run of both settles any leftover.
    await converge(providerFor(fake), web.service, null);
    expect(fake.store.list('loadBalancers', RG)).toEqual([]);
    expect(fake.store.list('publicIPAddresses', RG)).toEqual([]);
  });
});

async function mutateOut(fake: AzureFake): Promise<void> {
  const lb = structuredClone(fake.store.raw('loadBalancers', RG, 'prod')) as {
    properties: { probes: { name: string }[] };
  };
  lb.properties.probes = lb.properties.probes.filter((p) => p.name !== 'someone-else');
  fake.store.put('loadBalancers', RG, 'prod', lb);
  await converge(providerFor(fake), web.service, web);
}
