// Issue 12 #2 (Azure): takeovers of other in-tree shapes — externalTrafficPolicy Local with a UDP
// port, a loadBalancerIP on the user's own public IP, an internal Service.
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/index.js';
import { hasChanges } from '../../src/plan/index.js';
import { providerFor } from './adapter-support.js';
import { actions, ctx, planFor, useAdoptionFake } from './adopt-support.js';
import { createInTreeService } from './in-tree.js';
import { intentFixture, node } from './intent-fixture.js';
import { CLUSTER, RG, sdkFor } from './support.js';

const fakeOf = useAdoptionFake();
const web = intentFixture();
const snapshot = (kind: 'loadBalancers' | 'publicIPAddresses', name: string) =>
  JSON.stringify(fakeOf().store.get(kind, RG, name));
describe('adopting a Service with externalTrafficPolicy Local and a UDP port', () => {
  it('renames the in-tree HTTP probe in place and gives the UDP rule lbctl’s probe', async () => {
    const fake = fakeOf();
    const local = intentFixture({
      externalTrafficPolicy: 'Local',
      listeners: [
        { name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 },
        { name: 'dns', protocol: 'UDP', port: 53, nodePort: 30053 },
      ],
      healthCheck: {
        ...web.healthCheck,
        mode: 'service',
        protocol: 'HTTP',
        port: 32000,
        path: '/healthz',
      },
    });
    const before = await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: local,
      subscription: fake.subscription,
    });
    const p = providerFor(fake);
    const { observed, plan: takeover } = await planFor(p, local, true);
    expect(takeover.steps.filter((s) => s.action === 'replace' || s.action === 'delete')).toEqual(
      [],
    );
    const probe = takeover.steps.find((s) => s.address === 'azurerm_lb_probe.default-web');
    expect(probe?.changes.map((c) => [c.path, c.before, c.after])).toContainEqual([
      'name',
      'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-32000',
      'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-HTTP-32000',
    ]);
    const { resources } = await apply(takeover, p, { observed, ctx });
    expect(p.ingress(resources)).toEqual([{ ip: before.ip, ipMode: 'VIP' }]);
    expect(hasChanges((await planFor(p, local, false)).plan)).toBe(false);
  });
});

describe('adopting a Service whose loadBalancerIP is a public IP the user made', () => {
  it('references that public IP as it is: not taken over, not tagged, the frontend kept', async () => {
    const fake = fakeOf();
    const sdk = sdkFor(fake);
    const mine = await sdk.publicIPAddresses.beginCreateOrUpdateAndWait(RG, 'my-ip', {
      location: 'eastus',
      sku: { name: 'Standard' },
      publicIPAllocationMethod: 'Static',
      tags: { team: 'web' },
    });
    const pinned = intentFixture({ requestedIPs: [mine.ipAddress ?? ''] });
    await createInTreeService(sdk, {
      clusterName: CLUSTER,
      intent: pinned,
      subscription: fake.subscription,
      userPublicIP: 'my-ip',
    });
    const p = providerFor(fake);
    const { observed, plan: takeover } = await planFor(p, pinned, true);
    expect(takeover.steps.filter((s) => s.action === 'replace')).toEqual([]);
    expect(actions(takeover)['azurerm_lb_frontend_ip_configuration.default-web']).toBe('no-op');
    expect(takeover.steps.some((s) => s.address.startsWith('azurerm_public_ip.'))).toBe(false);
    const before = snapshot('publicIPAddresses', 'my-ip');
    const { resources } = await apply(takeover, p, { observed, ctx });
    expect(p.ingress(resources)).toEqual([{ ip: mine.ipAddress, ipMode: 'VIP' }]);
    expect(snapshot('publicIPAddresses', 'my-ip')).toBe(before);
    expect(hasChanges((await planFor(p, pinned, false)).plan)).toBe(false);
  });
});

describe('adopting an internal Service', () => {
  it('keeps the frontend and its private address; the other ports are updates', async () => {
    const fake = fakeOf();
    const internal = intentFixture({ scheme: 'internal', targets: [node('node-a', '10.240.0.4')] });
    const before = await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: internal,
      subscription: fake.subscription,
    });
    expect(before.ip).toMatch(/^10\.240\./);
    const p = providerFor(fake);
    const { observed, plan: takeover } = await planFor(p, internal, true);
    expect(takeover.steps.filter((s) => s.action === 'replace')).toEqual([]);
    expect(actions(takeover)['azurerm_lb_frontend_ip_configuration.default-web']).toBe('no-op');
    expect(actions(takeover)['azurerm_lb.shared-internal']).toBe('update');
    const { resources } = await apply(takeover, p, { observed, ctx });
    expect(p.ingress(resources)).toEqual([{ ip: before.ip, ipMode: 'VIP' }]);
    p.calls.reset();
    expect(hasChanges((await planFor(p, internal, false)).plan)).toBe(false);
    expect(p.calls.count({ write: true })).toBe(0);
  });
});
