// Issue 12 #2, Google Cloud, through the command line in process against the fake: `lbctl plan
// --adopt` shows the migration off the in-tree target pool (the rule's replacement keeps the
// IP), `lbctl apply --adopt` carries it out, and an ordinary plan is a no-op afterwards.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createClients, type ComputeClients } from '../../providers/gcp/clients.js';
import { FakeCompute } from '../fakes/gcp/server.js';
import { writeFiles } from '../cli/support.js';
import { gcpIntent } from './intents.js';
import { inTreeTargetPool } from './in-tree.js';

const CLUSTER = 'demo';
const UID = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
const LB = 'a1b4e28ba2fa111d2883f0016d3cca42';
let fake: FakeCompute;
let c: ComputeClients;

beforeAll(async () => {
  fake = new FakeCompute({ token: 'test-token' });
  await fake.start();
  c = createClients({ endpoint: fake.url, accessToken: 'test-token' });
  fake.seedInstance('us-central1-a', 'node-a');
  fake.seedInstance('us-central1-b', 'node-b');
});
afterAll(async () => {
  await c.close();
  await fake.stop();
});

const node = (name: string, zone: string) => `apiVersion: v1
kind: Node
metadata: { name: ${name} }
spec: { providerID: 'gce://lbctl-test/${zone}/${name}' }
`;
const service = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: default, uid: ${UID} }
spec:
  type: LoadBalancer
  selector: { app: web }
  ports:
  - { name: http, port: 80, targetPort: 8080, nodePort: 30080 }
  - { name: https, port: 443, targetPort: 8443, nodePort: 30443 }
`;

async function lbctl(...argv: string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(argv), stdout: out.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('lbctl plan/apply --adopt (Google Cloud, the fake)', () => {
  it('migrates the in-tree target pool keeping the IP; then plan is a no-op', async () => {
    const nodes = [
      { nodeName: 'node-a', providerID: 'gce://lbctl-test/us-central1-a/node-a' },
      { nodeName: 'node-b', providerID: 'gce://lbctl-test/us-central1-b/node-b' },
    ];
    const { ip } = await inTreeTargetPool(
      c,
      fake,
      gcpIntent({ clusterName: CLUSTER, targets: nodes }),
      { clusterID: 'c0ffee' },
    );
    const f = await writeFiles({
      'nodes.yaml': `${node('node-a', 'us-central1-a')}---\n${node('node-b', 'us-central1-b')}`,
      'web.yaml': service,
    });
    const args = [
      ...['--provider', 'gcp', '--cluster-name', CLUSTER, '--no-color'],
      ...['-f', f['nodes.yaml']!, '-f', f['web.yaml']!],
      ...['--set', `endpoint=${fake.url}`, '--set', 'project=lbctl-test'],
      ...['--set', 'access-token=test-token', '--set', 'region=us-central1'],
    ];
    // Without --adopt the in-tree traffic firewall (lbctl's name, not lbctl's) is refused.
    expect((await lbctl('plan', ...args)).code).toBe(1);

    const planned = await lbctl('plan', '--adopt', '--detailed-exitcode', ...args);
    expect(planned.code).toBe(2);
    expect(planned.stdout).toContain("# keeps the Service's address (ip_address)");
    expect(planned.stdout).toContain('# migration step (made by the in-tree GCE provider');
    expect(planned.stdout).not.toContain("changes the Service's address");

    const applied = await lbctl('apply', '--adopt', '--auto-approve', ...args);
    expect(applied.code).toBe(0);
    const [rule] = await c.forwardingRules.get({
      project: fake.project,
      region: fake.region,
      forwardingRule: LB,
    });
    expect(rule.IPAddress).toBe(ip);
    expect(fake.resources('targetPools')).toEqual([]);

    expect((await lbctl('plan', '--detailed-exitcode', ...args)).code).toBe(0);
    expect((await lbctl('plan', '--adopt', '--detailed-exitcode', ...args)).code).toBe(0);
  }, 120_000);
});
