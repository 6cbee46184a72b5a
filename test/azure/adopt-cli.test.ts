// Issue 12 #2 (Azure) through the command line, in process, against the fake over HTTPS:
// `lbctl plan --adopt` shows the takeover of what the in-tree provider made (no replacement, no
// new frontend or public IP), `lbctl apply --adopt` carries it out with the public IP's address
// unchanged, and afterwards an ordinary plan is a no-op.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { writeFiles } from '../cli/support.js';
import { createInTreeService } from './in-tree.js';
import { intentFixture } from './intent-fixture.js';
import { CLUSTER, RG, sdkFor, startFakeCloud } from './support.js';

const web = intentFixture();

const manifests = `apiVersion: v1
kind: Node
metadata: { name: node-a }
spec: { providerID: "azure:///subscriptions/s/vm/node-a" }
status: { addresses: [{ type: InternalIP, address: 10.240.0.4 }] }
---
apiVersion: v1
kind: Node
metadata: { name: node-b }
spec: { providerID: "azure:///subscriptions/s/vm/node-b" }
status: { addresses: [{ type: InternalIP, address: 10.240.0.5 }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default, uid: ${web.service.uid} }
spec:
  type: LoadBalancer
  selector: { app: web }
  ports:
  - { name: http, port: 80, targetPort: 8080, nodePort: 30080 }
  - { name: https, port: 443, targetPort: 8443, nodePort: 30443 }
`;

let fake: AzureFake;
beforeAll(async () => {
  fake = await startFakeCloud({ lro: 'mixed', pollsToComplete: 1 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.store.clear();
  fake.store.put('networkSecurityGroups', RG, 'prod-nsg', {
    location: 'eastus',
    tags: { 'k8s-azure-cluster-name': CLUSTER },
    properties: { securityRules: [] },
  });
});

/** `lbctl ARGS` through main, stdout captured. */
async function lbctl(...argv: string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(argv), stdout: out.join('') };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

const api = intentFixture({
  service: { namespace: 'default', name: 'api', uid: '7d2e4f60-1a2b-4c3d-8e9f-0a1b2c3d4e5f' },
  listeners: [{ name: 'http', protocol: 'TCP', port: 8080, nodePort: 31080 }],
  healthCheck: { ...web.healthCheck, port: 31080 },
});
const apiYaml = `apiVersion: v1
kind: Service
metadata: { name: api, namespace: default, uid: ${api.service.uid} }
spec:
  type: LoadBalancer
  selector: { app: api }
  ports:
  - { name: http, port: 8080, targetPort: 8080, nodePort: 31080 }
`;

async function argsFor(files: Record<string, string>): Promise<string[]> {
  const f = await writeFiles({ ...files, 'ca.pem': fake.ca });
  return [
    ...['--provider', 'azure', '--cluster-name', CLUSTER, '--no-color'],
    ...Object.keys(files).flatMap((k) => ['-f', f[k]!]),
    ...['--set', `subscription-id=${fake.subscription}`, '--set', `resource-group=${RG}`],
    ...['--set', 'vnet=vnet', '--set', 'subnet=subnet', '--set', 'security-group=prod-nsg'],
    ...['--set', `endpoint=${fake.endpoint}`, '--set', 'token=fake-token'],
    ...['--set', `ca-file=${f['ca.pem']!}`],
  ];
}

describe('lbctl plan/apply --adopt --provider azure (fake ARM)', () => {
  it('two in-tree Services on the shared load balancer taken over by one apply; both addresses stay', async () => {
    const sdk = sdkFor(fake);
    const o = { clusterName: CLUSTER, subscription: fake.subscription };
    const ips = [
      await createInTreeService(sdk, { ...o, intent: web }),
      await createInTreeService(sdk, { ...o, intent: api }),
    ].map((r) => r.ip);
    const args = await argsFor({ 'all.yaml': manifests, 'api.yaml': apiYaml });
    const planned = await lbctl('plan', '--adopt', '--detailed-exitcode', ...args);
    expect(planned.code, planned.stdout).toBe(2);
    expect(planned.stdout).not.toMatch(/must be replaced|changes the Service's address/);
    const applied = await lbctl('apply', '--adopt', '--auto-approve', ...args);
    expect(applied.code, applied.stdout).toBe(0);
    const pips = ['a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2', 'a7d2e4f601a2b4c3d8e9f0a1b2c3d4e5'].map(
      (fe) =>
        (
          fake.store.get('publicIPAddresses', RG, `${CLUSTER}-${fe}`)?.properties as {
            ipAddress?: string;
          }
        ).ipAddress,
    );
    expect(pips).toEqual(ips);
    const again = await lbctl('plan', '--detailed-exitcode', ...args);
    expect(again.code, again.stdout).toBe(0);
  }, 120_000);

  it('takes the in-tree frontend, rules and public IP over in place; the IP stays; then plan is a no-op', async () => {
    const before = await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
    });
    const args = await argsFor({ 'all.yaml': manifests });
    const refused = await lbctl('plan', ...args);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('take it over with lbctl plan/apply --adopt');

    const planned = await lbctl('plan', '--adopt', '--detailed-exitcode', ...args);
    expect(planned.code, planned.stdout).toBe(2);
    expect(planned.stdout).toContain('Plan: 3 to add, 5 to change, 1 to destroy.');
    expect(planned.stdout).toContain('taken over in place');
    expect(planned.stdout).not.toMatch(/must be replaced|changes the Service's address/);

    const applied = await lbctl('apply', '--adopt', '--auto-approve', ...args);
    expect(applied.code, applied.stdout).toBe(0);
    const pip = fake.store.get(
      'publicIPAddresses',
      RG,
      `${CLUSTER}-a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2`,
    );
    expect({ id: pip?.id, ip: (pip?.properties as { ipAddress?: string }).ipAddress }).toEqual({
      id: before.publicIPId,
      ip: before.ip,
    });

    expect((await lbctl('plan', '--detailed-exitcode', ...args)).code).toBe(0);
    expect((await lbctl('plan', '--adopt', '--detailed-exitcode', ...args)).code).toBe(0);
  }, 120_000);
});
