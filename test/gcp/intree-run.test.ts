// Issue 12 #2 in the controller (`lbctl run --adopt`) on Google Cloud: the sandbox API server with
// the real kubectl, the gcp adapter on the fake. A Service the in-tree provider served with a
// target pool is migrated: its status keeps the IP, no target pool is left, and a controller
// without --adopt afterwards writes nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import { adoptingProvider } from '../../src/pipeline/index.js';
import { createClients, type ComputeClients } from '../../providers/gcp/clients.js';
import { createGcpProvider } from '../../providers/gcp/provider.js';
import { readSettings } from '../../providers/gcp/settings.js';
import { FakeCompute } from '../fakes/gcp/server.js';
import { e2eEnv, eventually, nodeYaml, serviceYaml } from '../e2e/support.js';
import { gcpIntent } from './intents.js';
import { inTreeTargetPool } from './in-tree.js';

const CLUSTER = 'e2e';
let fake: FakeCompute;
let c: ComputeClients;
let env: Awaited<ReturnType<typeof e2eEnv>>;
const providers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  fake = new FakeCompute({ token: 'test-token' });
  await fake.start();
  fake.seedInstance('us-central1-a', 'node-a');
  fake.seedInstance('us-central1-b', 'node-b');
  c = createClients({ endpoint: fake.url, accessToken: 'test-token' });
  env = await e2eEnv();
});
afterEach(async () => {
  await env.close();
  for (const p of providers.splice(0)) await p.close();
});
afterAll(async () => {
  await c.close();
  await fake.stop();
});

function gcp(calls: ReturnType<typeof createCallLog>) {
  const p = createGcpProvider(
    readSettings({
      clusterName: CLUSTER,
      values: { project: fake.project, endpoint: fake.url, 'access-token': 'test-token' },
      env: {},
    }),
    CLUSTER,
    {
      calls,
      retry: { retries: 4, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 1 },
      sleep: async () => {},
    },
  );
  providers.push(p);
  return p;
}

const nodes = [
  { nodeName: 'node-a', providerID: 'gce://lbctl-test/us-central1-a/node-a' },
  { nodeName: 'node-b', providerID: 'gce://lbctl-test/us-central1-b/node-b' },
];

describe('lbctl run --adopt (sandbox + Google Cloud on the fake)', { timeout: 120_000 }, () => {
  it('migrates the in-tree target pool keeping the IP in the status; a later controller without --adopt writes nothing', async () => {
    for (const n of nodes) await env.apply(nodeYaml(n.nodeName, n.providerID));
    await env.apply(serviceYaml('web'), 'create');
    const svc = JSON.parse(await env.kubectl('get', 'svc', 'web', '-o', 'json')) as {
      metadata: { uid: string };
      spec: { ports: { nodePort: number }[] };
    };
    const web = gcpIntent({
      clusterName: CLUSTER,
      service: { namespace: 'default', name: 'web', uid: svc.metadata.uid },
      listeners: [
        { name: 'http', protocol: 'TCP', port: 80, nodePort: svc.spec.ports[0]!.nodePort },
      ],
      targets: nodes,
    });
    const { ip, names } = await inTreeTargetPool(c, fake, web, { clusterID: 'c0ffee' });

    const calls = createCallLog();
    const first = await env.startCtl({ provider: adoptingProvider(gcp(calls)), calls });
    const got = await eventually(
      async () => (await env.getSvc('web')).status?.loadBalancer?.ingress?.[0]?.ip,
      'an IP in the status',
      60_000,
    );
    expect(got).toBe(ip);
    await eventually(
      () => fake.resources('targetPools').length === 0,
      'the target pool gone',
      30_000,
    );
    const [rule] = await c.forwardingRules.get({
      project: fake.project,
      region: fake.region,
      forwardingRule: names.forwardingRule,
    });
    expect(rule.IPAddress).toBe(ip);
    expect(rule.backendService).toMatch(/backendServices\//);
    expect(calls.count({ operation: 'addresses.insert' })).toBe(1);
    await first.kill();

    const later = createCallLog();
    await env.startCtl({ provider: gcp(later), calls: later, verifyIntervalSeconds: 1 });
    await eventually(() => later.count({ write: false }) >= 8, 'a verification', 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(later.calls.filter((x) => x.write).map((x) => x.operation)).toEqual([]);
    const events = await env.kubectl('get', 'events', '--field-selector', 'type=Warning');
    expect(events).not.toContain('web');
  });
});
