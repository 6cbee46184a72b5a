// Issue 12 #2 (Azure): what is refused — the in-tree objects without --adopt (naming the flag),
// and with --adopt what is not this cluster's and this Service's alone; nothing is written.
import { describe, expect, it } from 'vitest';
import { providerFor } from './adapter-support.js';
import { planFor, useAdoptionFake } from './adopt-support.js';
import { createInTreeService } from './in-tree.js';
import { intentFixture } from './intent-fixture.js';
import { CLUSTER, RG, sdkFor } from './support.js';

const fakeOf = useAdoptionFake();
const web = intentFixture();
const snapshot = (kind: 'loadBalancers' | 'publicIPAddresses', name: string) =>
  JSON.stringify(fakeOf().store.get(kind, RG, name));
describe('without --adopt, or when it is not the in-tree provider’s', () => {
  it('is refused naming the in-tree provider and --adopt, and nothing is written', async () => {
    const fake = fakeOf();
    await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
    });
    const p = providerFor(fake);
    const writes = fake.count({ write: true });
    await expect(planFor(p, web, false)).rejects.toThrow(
      /public IP .* made by the in-tree Azure provider \(cloud-controller-manager\) for Service default\/web: take it over with lbctl plan\/apply --adopt/,
    );
    expect(fake.count({ write: true })).toBe(writes);
  });

  it('an internal Service (nothing tagged): the load balancer is refused the same way', async () => {
    const fake = fakeOf();
    const internal = intentFixture({ scheme: 'internal' });
    await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: internal,
      subscription: fake.subscription,
    });
    await expect(planFor(providerFor(fake), internal, false)).rejects.toThrow(
      /load balancer .*prod-internal .*made by the in-tree Azure provider .* --adopt/,
    );
  });

  it('a public IP tagged for another cluster is not taken over, even with --adopt', async () => {
    const fake = fakeOf();
    await createInTreeService(sdkFor(fake), {
      clusterName: 'staging',
      intent: { ...web, clusterName: 'staging' },
      subscription: fake.subscription,
    });
    // The same Service's in-tree objects, but of cluster `staging`: lbctl (cluster prod) finds
    // none of its names and plans its own, so nothing of staging's is in the plan.
    const { plan: own } = await planFor(providerFor(fake), web, true);
    expect(own.steps.every((s) => s.action === 'create')).toBe(true);
    expect(snapshot('loadBalancers', 'staging')).toContain('a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2');
  });

  it('a Service whose scheme changed since (now internal) is not taken over: refused with --adopt', async () => {
    const fake = fakeOf();
    await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
    });
    const writes = fake.count({ write: true });
    await expect(planFor(providerFor(fake), { ...web, scheme: 'internal' }, true)).rejects.toThrow(
      /public IP .*made by the in-tree Azure provider/,
    );
    expect(fake.count({ write: true })).toBe(writes);
  });

  it('a public IP several Services share is not taken over: refused with --adopt', async () => {
    const fake = fakeOf();
    await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
    });
    const name = `${CLUSTER}-a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2`;
    const pip = fake.store.get('publicIPAddresses', RG, name);
    fake.store.put('publicIPAddresses', RG, name, {
      ...pip,
      tags: { 'k8s-azure-cluster-name': CLUSTER, 'k8s-azure-service': 'default/web,shop/api' },
    });
    const writes = fake.count({ write: true });
    await expect(planFor(providerFor(fake), web, true)).rejects.toThrow(
      /k8s-azure-service=default\/web,shop\/api\) do not name this Service alone/,
    );
    expect(fake.count({ write: true })).toBe(writes);
  });

  it('a security group without this cluster’s tag is refused with --adopt, saying how to tag it', async () => {
    const fake = fakeOf();
    await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
    });
    const nsg = fake.store.get('networkSecurityGroups', RG, 'prod-nsg');
    fake.store.put('networkSecurityGroups', RG, 'prod-nsg', { ...nsg, tags: {} });
    const writes = fake.count({ write: true });
    await expect(planFor(providerFor(fake), web, true)).rejects.toThrow(
      /network security group .*prod-nsg.* tag it k8s-azure-cluster-name=prod/,
    );
    expect(fake.count({ write: true })).toBe(writes);
  });

  it('a load balancer tagged for another cluster is refused with --adopt', async () => {
    const fake = fakeOf();
    await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
    });
    const lb = fake.store.get('loadBalancers', RG, CLUSTER);
    fake.store.put('loadBalancers', RG, CLUSTER, {
      ...lb,
      tags: { 'k8s-azure-cluster-name': 'staging' },
    });
    await expect(planFor(providerFor(fake), web, true)).rejects.toThrow(
      /not owned by this cluster/,
    );
  });
});
