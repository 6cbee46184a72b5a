// Issue 12 #2 in the controller (`lbctl run --adopt`) on Azure: the sandbox API server with the
// real kubectl, the Azure adapter (real SDK over HTTPS) on the fake. A Service the in-tree
// provider served is taken over in place: the same public IP address in its status, no public IP
// or frontend created; a controller without --adopt afterwards writes nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import type { Provider } from '../../src/core/provider.js';
import { adoptingProvider } from '../../src/pipeline/index.js';
import { createAzureProvider } from '../../providers/azure/provider.js';
import { parseAzureSettings } from '../../providers/azure/settings.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { createInTreeService } from '../azure/in-tree.js';
import { intentFixture, node } from '../azure/intent-fixture.js';
import { RG, sdkFor, startFakeCloud } from '../azure/support.js';
import { e2eEnv, eventually, nodeYaml, serviceYaml } from './support.js';

const CLUSTER = 'e2e';
const NSG = 'e2e-nsg';

let fake: AzureFake;
let env: Awaited<ReturnType<typeof e2eEnv>>;

beforeAll(async () => {
  // The sandbox's nodes have InternalIPs 10.0.1.N: the virtual network must hold them.
  fake = await startFakeCloud({
    lro: 'mixed',
    pollsToComplete: 1,
    vnets: [{ resourceGroup: RG, name: 'vnet', subnets: { subnet: '10.0.0.0/16' } }],
  });
  fake.store.put('networkSecurityGroups', RG, NSG, {
    location: 'eastus',
    tags: { 'k8s-azure-cluster-name': CLUSTER },
    properties: { securityRules: [] },
  });
  env = await e2eEnv();
});
afterEach(async () => {
  await env.close();
});
afterAll(() => fake.close());

function azure(calls: ReturnType<typeof createCallLog>): Provider {
  const settings = parseAzureSettings({
    clusterName: CLUSTER,
    values: {
      'subscription-id': fake.subscription,
      'resource-group': RG,
      vnet: 'vnet',
      subnet: 'subnet',
      'security-group': NSG,
      endpoint: fake.endpoint,
      token: 'fake-token',
    },
    env: {},
  });
  return createAzureProvider(settings, {
    calls,
    ca: fake.ca,
    sleep: () => Promise.resolve(),
    lroIntervalMs: 0,
    retry: { retries: 4, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 1 },
  });
}

describe('lbctl run --adopt (sandbox + Azure fake)', { timeout: 120_000 }, () => {
  it('takes over the in-tree frontend, rules and public IP in place; a later controller without --adopt writes nothing', async () => {
    const nodes = [node('node-1', '10.0.1.1'), node('node-2', '10.0.1.2')].map((n) => ({
      ...n,
      providerID: `azure:///subscriptions/${fake.subscription}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${n.nodeName}`,
    }));
    for (const n of nodes) await env.apply(nodeYaml(n.nodeName, n.providerID));
    await env.apply(serviceYaml('web'), 'create');
    const svc = JSON.parse(await env.kubectl('get', 'svc', 'web', '-o', 'json')) as {
      metadata: { uid: string };
      spec: { ports: { nodePort: number }[] };
    };
    const nodePort = svc.spec.ports[0]!.nodePort;
    const before = await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      securityGroup: NSG,
      subscription: fake.subscription,
      intent: intentFixture({
        clusterName: CLUSTER,
        service: { namespace: 'default', name: 'web', uid: svc.metadata.uid },
        listeners: [{ name: 'http', protocol: 'TCP', port: 80, nodePort }],
        targets: nodes.slice(0, 1),
      }),
    });

    const calls = createCallLog();
    const first = await env.startCtl({ provider: adoptingProvider(azure(calls)), calls });
    const ip = await eventually(
      async () => (await env.getSvc('web')).status?.loadBalancer?.ingress?.[0]?.ip,
      'an ingress IP',
      60_000,
    );
    expect(ip).toBe(before.ip);
    // The public IP got lbctl's tags (one write); nothing that holds an address was created.
    expect(calls.count({ operation: 'PublicIPAddresses.CreateOrUpdate' })).toBe(1);
    expect(calls.count({ operation: 'PublicIPAddresses.Delete' })).toBe(0);
    const lb = fake.store.get('loadBalancers', RG, CLUSTER)?.properties as {
      frontendIPConfigurations: { id: string }[];
    };
    expect(lb.frontendIPConfigurations.map((f) => f.id)).toEqual([before.frontendId]);
    await first.kill();

    const later = createCallLog();
    // A restart trusts the status it finds and verifies later: a short interval brings it on.
    await env.startCtl({ provider: azure(later), calls: later, verifyIntervalSeconds: 1 });
    await eventually(() => later.count({ write: false }) >= 4, 'a verification', 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(later.calls.filter((c) => c.write).map((c) => c.operation)).toEqual([]);
    const events = await env.kubectl('get', 'events', '--field-selector', 'type=Warning');
    expect(events).not.toContain('web');
  });
});
