// Issue 12 #2 (Azure): what the in-tree provider (cloud-controller-manager) made for a Service
// on the shared load balancer is taken over in place — no replacement, no new frontend or public
// IP, the address unchanged — and the next plan, without --adopt, is a no-op with zero writes.
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/index.js';
import { hasChanges } from '../../src/plan/index.js';
import { IN_TREE_PROVIDER } from '../../providers/azure/in-tree.js';
import { providerFor } from './adapter-support.js';
import { actions, ctx, planFor, useAdoptionFake } from './adopt-support.js';
import { createInTreeService } from './in-tree.js';
import { intentFixture } from './intent-fixture.js';
import { CLUSTER, RG, sdkFor } from './support.js';

const fakeOf = useAdoptionFake();
const web = intentFixture();
const snapshot = (kind: 'loadBalancers' | 'publicIPAddresses', name: string) =>
  JSON.stringify(fakeOf().store.get(kind, RG, name));
const other = intentFixture({
  service: { namespace: 'shop', name: 'api', uid: '7d2e4f60-1a2b-4c3d-8e9f-0a1b2c3d4e5f' },
  listeners: [{ name: 'http', protocol: 'TCP', port: 8080, nodePort: 31080 }],
  healthCheck: { ...web.healthCheck, port: 31080 },
});

describe('adopting what the in-tree Azure provider made (external Service, 2 ports)', () => {
  it('plans a takeover in place, applies it without a new frontend or public IP, and the address stays', async () => {
    const fake = fakeOf();
    const sdk = sdkFor(fake);
    const before = await createInTreeService(sdk, {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
    });
    const p = providerFor(fake);
    const { observed, plan: takeover } = await planFor(p, web, true);
    // The ordinary observe stops at the in-tree public IP (3 reads); the in-tree look-up reads
    // both load balancers, the public IP and the security group again (4): 7, once per Service.
    expect(p.calls.count({ write: false })).toBe(7);
    expect(observed.every((r) => r.foreign?.madeBy === IN_TREE_PROVIDER)).toBe(true);
    expect(actions(takeover)).toEqual({
      'azurerm_lb.shared': 'update',
      'azurerm_public_ip.default-web': 'update',
      'azurerm_lb_frontend_ip_configuration.default-web': 'no-op',
      'azurerm_lb_probe.default-web': 'update',
      'azurerm_lb_probe.tcp-443': 'delete',
      'azurerm_lb_rule.http': 'update',
      'azurerm_lb_rule.https': 'update',
      'azurerm_lb_backend_address_pool.default-web': 'create',
      'azurerm_network_security_rule.http': 'create',
      'azurerm_network_security_rule.https': 'create',
    });
    expect(
      takeover.steps
        .filter((s) => s.before !== undefined)
        .every((s) => s.adopts === IN_TREE_PROVIDER),
    ).toBe(true);
    // lbctl's security rules to the nodePort exist before a rule stops using floating IP.
    const order = takeover.order.map((a) => `${a.action} ${a.address}`);
    for (const l of ['http', 'https'])
      expect(order.indexOf(`create azurerm_network_security_rule.${l}`)).toBeLessThan(
        order.indexOf(`update azurerm_lb_rule.${l}`),
      );
    expect(order.indexOf('update azurerm_lb_rule.https')).toBeLessThan(
      order.indexOf('delete azurerm_lb_probe.tcp-443'),
    );

    p.calls.reset();
    const { resources } = await apply(takeover, p, { observed, ctx });
    expect(p.calls.count({ operation: 'PublicIPAddresses.CreateOrUpdate' })).toBe(1); // tags only
    // One write per step: 5 of the load balancer (tags, probe, 2 rules, probe delete), the pool,
    // 2 of the security group, the public IP.
    expect(p.calls.count({ write: true })).toBe(9);
    expect(p.calls.count({ operation: 'LoadBalancers.CreateOrUpdate' })).toBe(5);
    expect(p.ingress(resources)).toEqual([{ ip: before.ip, ipMode: 'VIP' }]);
    const pip = fake.store.get(
      'publicIPAddresses',
      RG,
      `${CLUSTER}-a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2`,
    );
    expect(pip?.id).toBe(before.publicIPId);
    expect(pip?.properties).toMatchObject({ ipAddress: before.ip });
    expect(pip?.tags).toMatchObject({
      'k8s-azure-service': 'default/web',
      'k8s-azure-service-uid': web.service.uid,
    });
    const lb = fake.store.get('loadBalancers', RG, CLUSTER);
    const props = lb?.properties as {
      frontendIPConfigurations: { id: string }[];
      loadBalancingRules: { properties: Record<string, unknown> }[];
    };
    expect(props.frontendIPConfigurations.map((f) => f.id)).toEqual([before.frontendId]);
    expect(props.loadBalancingRules.map((r) => r.properties.enableFloatingIP)).toEqual([
      false,
      false,
    ]);
    // The in-tree pool `prod` is left as it was (other Services may use it).
    expect(
      (lb?.properties as { backendAddressPools: { name: string }[] }).backendAddressPools
        .map((b) => b.name)
        .sort(),
    ).toEqual(['a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2', 'prod']);

    // Afterwards it is lbctl's: an ordinary plan is a no-op with zero writes and the usual 4 reads.
    p.calls.reset();
    const next = await planFor(p, web, false);
    expect(
      hasChanges(next.plan),
      JSON.stringify(next.plan.steps.filter((s) => s.action !== 'no-op')),
    ).toBe(false);
    expect(p.calls.count({ write: true })).toBe(0);
    expect(p.calls.count()).toBe(4);
    // --adopt on a Service lbctl owns reads nothing more.
    p.calls.reset();
    const again = await planFor(p, web, true);
    expect(again.observed).toEqual(next.observed);
    expect(p.calls.count()).toBe(4);
  });

  it('another Service still in the in-tree shape on the same load balancer is not touched, and is refused until adopted', async () => {
    const fake = fakeOf();
    const sdk = sdkFor(fake);
    await createInTreeService(sdk, {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
    });
    await createInTreeService(sdk, {
      clusterName: CLUSTER,
      intent: other,
      subscription: fake.subscription,
    });
    const otherPip = `${CLUSTER}-a7d2e4f601a2b4c3d8e9f0a1b2c3d4e5`;
    const otherBefore = snapshot('publicIPAddresses', otherPip);
    const childrenOf = (prefix: string) => {
      const props = fake.store.get('loadBalancers', RG, CLUSTER)?.properties as Record<
        string,
        { name: string }[]
      >;
      // Children carry their load balancer's etag, which every write changes: compare the rest.
      return JSON.stringify(
        ['frontendIPConfigurations', 'probes', 'loadBalancingRules'].map((k) =>
          (props[k] ?? []).filter((c) => c.name.startsWith(prefix)),
        ),
        (key, v: unknown) => (key === 'etag' ? undefined : v),
      );
    };
    const otherChildren = childrenOf('a7d2e4f60');
    const p = providerFor(fake);
    const { observed, plan: takeover } = await planFor(p, web, true);
    expect(takeover.steps.some((s) => s.address.includes('shop-api'))).toBe(false);
    await apply(takeover, p, { observed, ctx });
    expect(childrenOf('a7d2e4f60')).toBe(otherChildren);
    expect(snapshot('publicIPAddresses', otherPip)).toBe(otherBefore);

    // The ownership sweep attributes none of the other Service's in-tree children to a Service,
    // so an orphan plan never deletes them.
    const swept = await p.sweep(ctx);
    expect(swept.some((o) => o.service?.name === 'api')).toBe(false);
    expect(
      swept.filter((o) => o.resource.attributes.name === 'a7d2e4f601a2b4c3d8e9f0a1b2c3d4e5'),
    ).toHaveLength(1);

    // The load balancer is lbctl's now; the other Service's children are still the in-tree ones.
    await expect(planFor(p, other, false)).rejects.toThrow(
      /made by the in-tree Azure provider \(cloud-controller-manager\) for Service shop\/api: take it over with lbctl plan\/apply --adopt/,
    );
    const second = await planFor(p, other, true);
    expect(second.plan.steps.find((s) => s.address === 'azurerm_lb.shared')?.action).toBe('no-op');
    await apply(second.plan, p, { observed: second.observed, ctx });
    expect(hasChanges((await planFor(p, other, false)).plan)).toBe(false);
    expect(hasChanges((await planFor(p, web, false)).plan)).toBe(false);
  });

  it('a takeover interrupted before the rules moved resumes with --adopt, still without a replacement', async () => {
    const fake = fakeOf();
    const before = await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
    });
    const p = providerFor(fake);
    const first = await planFor(p, web, true);
    // Everything before the first rule update (its security rule included): what a crash leaves.
    const cut = first.plan.order.findIndex((a) => a.address.startsWith('azurerm_lb_rule.'));
    expect(cut).toBeGreaterThan(0);
    await apply({ ...first.plan, order: first.plan.order.slice(0, cut) }, p, {
      observed: first.observed,
      ctx,
    });
    await expect(planFor(p, web, false)).rejects.toThrow(/--adopt/);
    const resumed = await planFor(p, web, true);
    expect(
      resumed.plan.steps.filter((s) => s.action !== 'no-op').map((s) => `${s.action} ${s.address}`),
    ).toEqual([
      'delete azurerm_lb_probe.tcp-443',
      'update azurerm_lb_rule.http',
      'update azurerm_lb_rule.https',
      'create azurerm_network_security_rule.https',
    ]);
    const { resources } = await apply(resumed.plan, p, { observed: resumed.observed, ctx });
    expect(p.ingress(resources)).toEqual([{ ip: before.ip, ipMode: 'VIP' }]);
    expect(hasChanges((await planFor(p, web, false)).plan)).toBe(false);
  });

  it('pre-v1.30 per-Service security rules are deleted after the rules stop using floating IP', async () => {
    const fake = fakeOf();
    await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
      legacySecurityRules: true,
    });
    const p = providerFor(fake);
    const { observed, plan: takeover } = await planFor(p, web, true);
    const order = takeover.order.map((a) => `${a.action} ${a.address}`);
    const legacy = order
      .filter((a) => a.startsWith('delete azurerm_network_security_rule.'))
      .sort();
    expect(legacy).toEqual([
      'delete azurerm_network_security_rule.tcp-443-internet',
      'delete azurerm_network_security_rule.tcp-80-internet',
    ]);
    expect(order.indexOf('update azurerm_lb_rule.http')).toBeLessThan(
      order.indexOf('delete azurerm_network_security_rule.tcp-80-internet'),
    );
    await apply(takeover, p, { observed, ctx });
    const rules = (
      fake.store.get('networkSecurityGroups', RG, 'prod-nsg')?.properties as {
        securityRules: { name: string }[];
      }
    ).securityRules;
    expect(rules.map((r) => r.name).sort()).toEqual([
      'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-443',
      'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-80',
    ]);
    expect(hasChanges((await planFor(p, web, false)).plan)).toBe(false);
  });
});
