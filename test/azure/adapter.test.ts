import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotOwnedError } from '../../src/core/errors.js';
import { addressOf } from '../../src/core/resource.js';
import { plan } from '../../src/plan/index.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { providerFor } from './adapter-support.js';
import { intentFixture, node } from './intent-fixture.js';
import { reconcileOnce } from './reconcile.js';
import { RG, sdkFor, startFakeCloud } from './support.js';

describe('Azure adapter through @azure/arm-network against the fake', () => {
  let fake: AzureFake;
  beforeAll(async () => {
    fake = await startFakeCloud({ lro: 'mixed', pollsToComplete: 1 });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.store.clear();
    fake.store.put('networkSecurityGroups', RG, 'prod-nsg', {
      location: 'eastus',
      tags: { 'k8s-azure-cluster-name': 'prod' },
      properties: { securityRules: [] },
    });
  });

  const intent = intentFixture();
  const svc = intent.service;

  it('creates everything, then observe equals desired and re-planning is a no-op with zero writes', async () => {
    const p = providerFor(fake);
    const { plan: first, resources } = await reconcileOnce(p, svc, intent);
    expect(first.steps.filter((s) => s.action === 'create')).toHaveLength(9);
    expect(p.ingress(resources)).toEqual([
      { ip: expect.stringMatching(/^20\.100\./) as string, ipMode: 'VIP' },
    ]);
    const lb = fake.store.get('loadBalancers', RG, 'prod');
    expect(lb?.tags).toMatchObject({ 'k8s-azure-cluster-name': 'prod' });

    p.calls.reset();
    const writesBefore = fake.count({ write: true });
    const desired = p.desired(intent);
    const observed = await p.observe({ service: svc, desired }, { clusterName: 'prod' });
    const again = plan({ service: svc, provider: p, desired, observed });
    expect(
      again.steps.map((s) => `${s.address}:${s.action}`).filter((s) => !s.endsWith(':no-op')),
    ).toEqual([]);
    expect(new Set(observed.map(addressOf))).toEqual(new Set(desired.map(addressOf)));
    expect(p.calls.count({ write: true })).toBe(0);
    expect(fake.count({ write: true })).toBe(writesBefore);
    // By name: both shared load balancers, the public IP and the security group.
    expect(p.calls.count()).toBe(4);
    expect(p.calls.count({ operation: 'PublicIPAddresses.List' })).toBe(0);
  });

  it('adds and removes one node with one pool write each (backend-pool API), touching only the pool delta', async () => {
    const p = providerFor(fake);
    await reconcileOnce(p, svc, intent);
    p.calls.reset();
    const plus = intentFixture({ targets: [...intent.targets, node('node-c', '10.240.0.6')] });
    const { plan: up } = await reconcileOnce(p, svc, plus);
    const delta = (path: string, add: string[], remove: string[]) => [{ path, add, remove }];
    expect(
      up.steps.filter((s) => s.action !== 'no-op').map((s) => [s.address, s.action, s.setDeltas]),
    ).toEqual([
      [
        'azurerm_lb_backend_address_pool.default-web',
        'update',
        delta('addresses', ['10.240.0.6'], []),
      ],
      [
        'azurerm_network_security_rule.http',
        'update',
        delta('destination_address_prefixes', ['10.240.0.6'], []),
      ],
      [
        'azurerm_network_security_rule.https',
        'update',
        delta('destination_address_prefixes', ['10.240.0.6'], []),
      ],
    ]);
    expect(p.calls.count({ operation: 'LoadBalancerBackendAddressPools.CreateOrUpdate' })).toBe(1);
    expect(p.calls.count({ operation: 'LoadBalancers.CreateOrUpdate' })).toBe(0);
    expect(p.calls.count({ operation: 'NetworkSecurityGroups.CreateOrUpdate' })).toBe(2);
    p.calls.reset();
    await reconcileOnce(p, svc, intentFixture({ targets: [node('node-a', '10.240.0.4')] }));
    expect(p.calls.count({ operation: 'LoadBalancerBackendAddressPools.CreateOrUpdate' })).toBe(1);
    const pool = fake.store.get('loadBalancers', RG, 'prod')?.properties as {
      backendAddressPools: {
        properties: { loadBalancerBackendAddresses: { properties: { ipAddress: string } }[] };
      }[];
    };
    expect(
      pool.backendAddressPools[0]?.properties.loadBalancerBackendAddresses.map(
        (a) => a.properties.ipAddress,
      ),
    ).toEqual(['10.240.0.4']);
  });

  it('changes source ranges in place on the security rule', async () => {
    const p = providerFor(fake);
    await reconcileOnce(p, svc, intent);
    const { plan: ranged } = await reconcileOnce(
      p,
      svc,
      intentFixture({ sourceRanges: ['10.0.0.0/8'] }),
    );
    expect(ranged.steps.filter((s) => s.action === 'update').map((s) => s.address)).toEqual([
      'azurerm_network_security_rule.http',
      'azurerm_network_security_rule.https',
    ]);
    const nsg = fake.store.get('networkSecurityGroups', RG, 'prod-nsg')?.properties as {
      securityRules: { properties: { sourceAddressPrefix?: string; priority: number } }[];
    };
    expect(nsg.securityRules.map((r) => r.properties.sourceAddressPrefix)).toEqual([
      '10.0.0.0/8',
      '10.0.0.0/8',
    ]);
    expect(nsg.securityRules.map((r) => r.properties.priority)).toEqual([500, 501]);
  });

  it('changes a listener port and the health-check port in place, renaming children in one write each', async () => {
    const p = providerFor(fake);
    await reconcileOnce(p, svc, intent);
    const moved = intentFixture({
      listeners: [{ ...intent.listeners[0]!, port: 8080 }, intent.listeners[1]!],
      healthCheck: { ...intent.healthCheck, port: 30443, intervalSeconds: 30 },
    });
    p.calls.reset();
    const { plan: change } = await reconcileOnce(p, svc, moved);
    expect(
      change.steps.filter((s) => s.action !== 'no-op').map((s) => `${s.address} ${s.action}`),
    ).toEqual([
      'azurerm_lb_probe.default-web update',
      'azurerm_lb_rule.http update',
      'azurerm_network_security_rule.http update',
    ]);
    expect(p.calls.count({ write: true })).toBe(3);
    const lb = fake.store.get('loadBalancers', RG, 'prod')?.properties as {
      loadBalancingRules: { name: string; properties: { probe: { id: string } } }[];
    };
    expect(
      lb.loadBalancingRules.map((r) => [r.name, r.properties.probe.id.split('/').at(-1)]),
    ).toEqual([
      ['a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-8080', 'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-30443'],
      ['a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-443', 'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-30443'],
    ]);
    const nsg = fake.store.get('networkSecurityGroups', RG, 'prod-nsg')?.properties as {
      securityRules: { name: string; properties: { priority: number } }[];
    };
    expect(nsg.securityRules.map((r) => [r.name, r.properties.priority])).toEqual([
      ['a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-8080', 500],
      ['a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-443', 501],
    ]);
    expect((await reconcileOnce(p, svc, moved)).plan.steps.every((s) => s.action === 'no-op')).toBe(
      true,
    );
  });

  it('replaces frontend, probe and rules on the internal load balancer when the scheme changes', async () => {
    const p = providerFor(fake);
    await reconcileOnce(p, svc, intent);
    const internal = intentFixture({ scheme: 'internal' });
    const { plan: change, resources } = await reconcileOnce(p, svc, internal);
    const actions = Object.fromEntries(change.steps.map((s) => [s.address, s.action]));
    expect(actions).toMatchObject({
      'azurerm_lb_frontend_ip_configuration.default-web': 'replace',
      'azurerm_lb_rule.http': 'replace',
      'azurerm_lb.shared-internal': 'create',
      'azurerm_lb.shared': 'delete',
      'azurerm_public_ip.default-web': 'delete',
    });
    expect(p.ingress(resources)).toEqual([
      { ip: expect.stringMatching(/^10\.240\./) as string, ipMode: 'VIP' },
    ]);
    expect(fake.store.get('loadBalancers', RG, 'prod')).toBeUndefined();
    expect(fake.store.list('publicIPAddresses', RG)).toEqual([]);
    const again = await reconcileOnce(p, svc, internal);
    expect(again.plan.steps.every((s) => s.action === 'no-op')).toBe(true);
  });

  it('deletes everything tagged, and deleting again is a no-op', async () => {
    const p = providerFor(fake);
    await reconcileOnce(p, svc, intent);
    await reconcileOnce(p, svc, null);
    expect(fake.store.list('loadBalancers', RG)).toEqual([]);
    expect(fake.store.list('publicIPAddresses', RG)).toEqual([]);
    const nsg = fake.store.get('networkSecurityGroups', RG, 'prod-nsg')?.properties as {
      securityRules: unknown[];
    };
    expect(nsg.securityRules).toEqual([]);
    p.calls.reset();
    const { plan: again } = await reconcileOnce(p, svc, null);
    expect(again.steps).toEqual([]);
    expect(p.calls.count({ write: true })).toBe(0);
  });

  it('refuses a same-named public IP without our tags and leaves it untouched', async () => {
    fake.store.put('publicIPAddresses', RG, 'prod-a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2', {
      location: 'eastus',
      sku: { name: 'Standard' },
      properties: { publicIPAllocationMethod: 'Static' },
      tags: { owner: 'someone-else' },
    });
    const before = fake.store.get('publicIPAddresses', RG, 'prod-a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2');
    const p = providerFor(fake);
    const err = await reconcileOnce(p, svc, intent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotOwnedError);
    expect((err as Error).message).toMatch(
      /public IP .*prod-a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2 exists but is not owned by this cluster \(it has no k8s-azure-cluster-name tag\)/,
    );
    expect(
      fake.store.get('publicIPAddresses', RG, 'prod-a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2'),
    ).toEqual(before);
    expect(p.calls.count({ write: true })).toBe(0);
  });

  it('refuses a foreign load balancer named after the cluster', async () => {
    fake.store.put('loadBalancers', RG, 'prod', {
      location: 'eastus',
      sku: { name: 'Standard' },
      properties: {},
    });
    const p = providerFor(fake);
    await expect(reconcileOnce(p, svc, intent)).rejects.toThrow(
      /load balancer .*loadBalancers\/prod exists but is not owned/,
    );
    expect(p.calls.count({ write: true })).toBe(0);
  });

  it('refuses an untagged network security group and writes nothing', async () => {
    fake.store.put('networkSecurityGroups', RG, 'prod-nsg', {
      location: 'eastus',
      properties: { securityRules: [] },
    });
    const p = providerFor(fake);
    await expect(reconcileOnce(p, svc, intent)).rejects.toThrow(
      /network security group .*prod-nsg exists but is not owned .*tag it k8s-azure-cluster-name=prod/,
    );
    expect(p.calls.count({ write: true })).toBe(0);
  });

  it('uses the existing public IP holding a requested address, and never modifies or deletes it', async () => {
    const client = sdkFor(fake);
    const theirs = await client.publicIPAddresses.beginCreateOrUpdateAndWait(
      RG,
      'reserved',
      {
        location: 'eastus',
        sku: { name: 'Standard' },
        publicIPAllocationMethod: 'Static',
        tags: { team: 'edge' },
      },
      { updateIntervalInMs: 0 },
    );
    const before = fake.store.get('publicIPAddresses', RG, 'reserved');
    const p = providerFor(fake);
    const wants = intentFixture({ requestedIPs: [theirs.ipAddress ?? ''] });
    const { resources } = await reconcileOnce(p, svc, wants);
    expect(p.ingress(resources)).toEqual([{ ip: theirs.ipAddress, ipMode: 'VIP' }]);
    expect((await reconcileOnce(p, svc, wants)).plan.steps.every((s) => s.action === 'no-op')).toBe(
      true,
    );
    await reconcileOnce(p, svc, null);
    const after = fake.store.get('publicIPAddresses', RG, 'reserved');
    expect(after?.etag).toBe(before?.etag);
    expect(after?.tags).toEqual({ team: 'edge' });
  });

  it('gives an internal Service its requested private address', async () => {
    const p = providerFor(fake);
    const { resources } = await reconcileOnce(
      p,
      svc,
      intentFixture({
        scheme: 'internal',
        requestedIPs: ['10.241.0.50'],
        options: { azure: { internalSubnet: 'ilb' } },
      }),
    );
    expect(p.ingress(resources)).toEqual([{ ip: '10.241.0.50', ipMode: 'VIP' }]);
  });

  it('stops, without writing, when another Service’s UID shares the 31 hex digits in-tree names keep', async () => {
    const p = providerFor(fake);
    await reconcileOnce(p, svc, intent);
    const twin = { ...svc, name: 'twin', uid: `${svc.uid.slice(0, -1)}f` };
    for (const options of [{}, { azure: { pipName: 'twin-pip' } }]) {
      p.calls.reset();
      const err = await reconcileOnce(p, twin, intentFixture({ service: twin, options })).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(NotOwnedError);
      expect(p.calls.count({ write: true })).toBe(0);
    }
    expect(
      (await reconcileOnce(p, svc, intent)).plan.steps.every((s) => s.action === 'no-op'),
    ).toBe(true);
  });

  it('keeps a public IP in another resource group, and deletes it from there', async () => {
    const p = providerFor(fake);
    const elsewhere = intentFixture({ options: { azure: { pipResourceGroup: 'other-rg' } } });
    const { resources } = await reconcileOnce(p, svc, elsewhere);
    expect(fake.store.list('publicIPAddresses', 'other-rg').map((x) => x.name)).toEqual([
      'prod-a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2',
    ]);
    expect(p.ingress(resources)).toHaveLength(1);
    expect(
      (await reconcileOnce(p, svc, elsewhere)).plan.steps.every((s) => s.action === 'no-op'),
    ).toBe(true);
    await reconcileOnce(p, svc, null);
    expect(fake.store.list('publicIPAddresses', 'other-rg')).toEqual([]);
    expect(fake.store.list('loadBalancers', RG)).toEqual([]);
  });

  it('makes no call once the reconcile is aborted', async () => {
    const p = providerFor(fake);
    const aborted = new AbortController();
    aborted.abort();
    const before = fake.requests.length;
    await expect(
      p.observe(
        { service: svc, desired: p.desired(intent) },
        { clusterName: 'prod', signal: aborted.signal },
      ),
    ).rejects.toThrow();
    expect(fake.requests.length).toBe(before);
  });

  it('converges through throttling, 5xx, lost responses and failed operations', async () => {
    fake.setFaults({ rate: 0.3, seed: 11, lroFailRate: 0.2 });
    try {
      const p = providerFor(fake);
      let rounds = 0;
      for (; rounds < 20; rounds++) {
        try {
          const { plan: pl } = await reconcileOnce(p, svc, intent);
          if (pl.steps.every((s) => s.action === 'no-op')) break;
        } catch (e) {
          if ((e as { retryable?: boolean }).retryable !== true) throw e;
        }
      }
      expect(rounds).toBeLessThan(20);
      expect(
        p.calls.count({ outcome: 'throttled' }) + p.calls.count({ outcome: 'transient' }),
      ).toBeGreaterThan(0);
    } finally {
      fake.setFaults(undefined);
    }
    const p = providerFor(fake);
    const { plan: clean } = await reconcileOnce(p, svc, intent);
    expect(clean.steps.every((s) => s.action === 'no-op')).toBe(true);
  });
});
