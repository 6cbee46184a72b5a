import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureFake } from '../fakes/azure/server.js';
import { tcpHealthCheck } from '../support/intents.js';
import { providerFor } from './adapter-support.js';
import { intentFixture } from './intent-fixture.js';
import { reconcileOnce } from './reconcile.js';
import { RG, startFakeCloud } from './support.js';

interface StoredRule {
  name: string;
  properties: Record<string, unknown>;
}
interface StoredProbe {
  properties: Record<string, unknown>;
}

/** What the cloud ends up with (issue 10): pool members set, probeThreshold kept, tightest NSG rules. */
describe('Azure adapter: what ARM keeps, and no rule wider than the Service asked', () => {
  let fake: AzureFake;
  beforeAll(async () => {
    fake = await startFakeCloud({ lro: 'mixed' });
  });
  afterAll(() => fake.close());

  const rules = (): StoredRule[] =>
    (
      fake.store.get('networkSecurityGroups', RG, 'prod-nsg')?.properties as unknown as {
        securityRules: StoredRule[];
      }
    ).securityRules;
  const lb = (name: string) =>
    fake.store.get('loadBalancers', RG, name)?.properties as unknown as {
      probes: StoredProbe[];
      backendAddressPools: { properties: { loadBalancerBackendAddresses: unknown[] } }[];
    };

  it('an internal Service admits only its virtual network, to its target nodes, and keeps probeThreshold and its members', async () => {
    const p = providerFor(fake);
    const intent = intentFixture({
      scheme: 'internal',
      healthCheck: tcpHealthCheck({ unhealthyThreshold: 4, intervalSeconds: 5 }),
    });
    await reconcileOnce(p, intent.service, intent);
    for (const r of rules()) {
      expect(r.properties.sourceAddressPrefix).toBe('VirtualNetwork');
      expect(r.properties.destinationAddressPrefixes).toEqual(['10.240.0.4', '10.240.0.5']);
    }
    expect(rules()).toHaveLength(2);
    expect(lb('prod-internal').probes[0]?.properties.probeThreshold).toBe(4);
    expect(
      lb('prod-internal').backendAddressPools[0]?.properties.loadBalancerBackendAddresses,
    ).toHaveLength(2);
    const { plan } = await reconcileOnce(p, intent.service, intent);
    expect(plan.steps.every((s) => s.action === 'no-op')).toBe(true);
    await reconcileOnce(p, intent.service, null);
  });

  it('an internal Service with loadBalancerSourceRanges admits exactly those', async () => {
    const p = providerFor(fake);
    const intent = intentFixture({
      scheme: 'internal',
      sourceRanges: ['10.1.0.0/16', '10.2.0.0/16'],
    });
    await reconcileOnce(p, intent.service, intent);
    for (const r of rules()) {
      expect(r.properties.sourceAddressPrefixes).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
      expect(r.properties.sourceAddressPrefix).toBeUndefined();
    }
    await reconcileOnce(p, intent.service, null);
  });

  it('kube-proxy mode probes HTTP /healthz on 10256', async () => {
    const p = providerFor(fake);
    const intent = intentFixture({
      healthCheck: tcpHealthCheck({
        mode: 'kube-proxy',
        protocol: 'HTTP',
        port: 10256,
        path: '/healthz',
        intervalSeconds: 5,
      }),
    });
    await reconcileOnce(p, intent.service, intent);
    expect(lb('prod').probes[0]?.properties).toMatchObject({
      protocol: 'Http',
      port: 10256,
      requestPath: '/healthz',
    });
    for (const r of rules()) expect(r.properties.sourceAddressPrefix).toBe('Internet');
    await reconcileOnce(p, intent.service, null);
  });
});
