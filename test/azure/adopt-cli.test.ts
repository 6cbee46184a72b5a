// Issue 12 #2 (Azure) through the command line, in process, against the fake over HTTPS:
// `lbctl plan --adopt` shows the takeover of what the in-tree provider made (no replacement, no
// new frontend or public IP), `lbctl apply --adopt` carries it out with the public IP's address
// unchanged, and afterwards an ordinary plan is a no-op.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

describe('lbctl plan/apply --adopt --provider azure (fake ARM)', () => {
  it('takes the in-tree frontend, rules and public IP over in place; the IP stays; then plan is a no-op', async () => {
    const before = await createInTreeService(sdkFor(fake), {
      clusterName: CLUSTER,
      intent: web,
      subscription: fake.subscription,
    });
    const f = await writeFiles({ 'all.yaml': manifests, 'ca.pem': fake.ca });
    const args = [
      ...['--provider', 'azure', '--cluster-name', CLUSTER, '--no-color', '-f', f['all.yaml']!],
      ...['--set', `subscription-id=${fake.subscription}`, '--set', `resource-group=${RG}`],
      ...['--set', 'vnet=vnet', '--set', 'subnet=subnet', '--set', 'security-group=prod-nsg'],
      ...['--set', `endpoint=${fake.endpoint}`, '--set', 'token=fake-token'],
      ...['--set', `ca-file=${f['ca.pem']!}`],
    ];
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
