// lbctl apply's replacement guardrail: a plan that would change a Service's address is shown,
// then refused before any cloud write, unless the Service's annotation or --allow-replacement allows it.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runApply, type ApplyFlags } from '../../src/cli/commands/apply.js';
import type { CommandDeps } from '../../src/cli/planning/io.js';
import { memoryProviderModule } from './memory-provider.js';

const files = async (annotations: Record<string, string>): Promise<string[]> => {
  const dir = await mkdtemp(join(tmpdir(), 'lbctl-guard-'));
  const ann = Object.entries(annotations)
    .map(([k, v]) => `    ${k}: "${v}"\n`)
    .join('');
  await writeFile(
    join(dir, 'all.yaml'),
    `apiVersion: v1
kind: Node
metadata: { name: node-a }
spec: { providerID: kind://docker/demo/node-a }
status: { addresses: [{ type: InternalIP, address: 172.18.0.2 }] }
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  uid: 11111111-2222-3333-4444-555555555555
${ann === '' ? '' : `  annotations:\n${ann}`}spec:
  type: LoadBalancer
  ports: [{ name: http, port: 80, nodePort: 30080 }]
`,
  );
  return [join(dir, 'all.yaml')];
};

function setup() {
  const mem = memoryProviderModule({ holdsAddress: true });
  const out: string[] = [];
  const deps: CommandDeps = {
    stdout: (s) => out.push(s),
    stderr: () => {},
    interactive: false,
    colorCapable: false,
    ask: () => Promise.resolve('yes'),
    env: {},
    loadProvider: () => Promise.resolve(mem.module),
    now: () => 0,
    trapInterrupts: () => ({ signal: new AbortController().signal, release: () => {} }),
  };
  const apply = async (f: string[], extra: Partial<ApplyFlags> = {}) =>
    runApply(
      undefined,
      {
        filename: f,
        provider: 'local',
        clusterName: 'demo',
        set: [],
        color: false,
        autoApprove: true,
        ...extra,
      },
      deps,
    );
  return { mem, out, apply };
}

describe('lbctl apply: replacement guardrail', () => {
  it('refuses a scheme change that replaces the load balancer, after showing the plan', async () => {
    const h = setup();
    expect(await h.apply(await files({}))).toBe(0);
    const id = [...h.mem.cloud.values()].find((r) => r.type === 'mem_lb')?.id;
    h.mem.writes.length = 0;
    h.out.length = 0;
    const internal = { 'lbctl.io/scheme': 'internal' };
    await expect(h.apply(await files(internal))).rejects.toThrow(
      /Service default\/web: Replacement blocked: replacing mem_lb\.this \(forced by mem_lb\.this\.scheme: "external" -> "internal"\).*lbctl apply --allow-replacement.*\nNothing was changed\./s,
    );
    expect(h.mem.writes).toEqual([]);
    expect(h.out.join('')).toContain(
      "# changes the Service's address (forced by mem_lb.this.scheme)",
    );
    expect([...h.mem.cloud.values()].find((r) => r.type === 'mem_lb')?.id).toBe(id);

    expect(await h.apply(await files(internal), { allowReplacement: true })).toBe(0);
    expect(h.mem.writes).toContain('delete default/web mem_lb.this');
  });

  it('the Service annotation allows it too', async () => {
    const h = setup();
    await h.apply(await files({}));
    h.mem.writes.length = 0;
    const allowed = { 'lbctl.io/scheme': 'internal', 'lbctl.io/allow-replacement': 'true' };
    expect(await h.apply(await files(allowed))).toBe(0);
    expect(h.mem.writes).toContain('create default/web mem_lb.this');
  });
});
