import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runApply, type ApplyFlags } from '../../src/cli/commands/apply.js';
import { runDestroy } from '../../src/cli/commands/destroy.js';
import { runPlan, type PlanFlags } from '../../src/cli/commands/plan.js';
import type { CommandDeps } from '../../src/cli/planning/io.js';
import { memoryProviderModule } from './memory-provider.js';
import { recordingDeps } from './support.js';

const nodesYaml = ['node-a', 'node-b']
  .map(
    (n) => `apiVersion: v1
kind: Node
metadata:
  name: ${n}
spec:
  providerID: kind://docker/demo/${n}
status:
  addresses: [{ type: InternalIP, address: 172.18.0.${n === 'node-a' ? 2 : 3} }]
`,
  )
  .join('---\n');

const serviceYaml = (ports: number[], extra = '') => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  uid: 11111111-2222-3333-4444-555555555555
${extra}spec:
  type: LoadBalancer
  selector: { app: web }
  ports:
${ports.map((p) => `  - { name: p${p}, port: ${p}, targetPort: 8080, nodePort: ${30000 + p} }`).join('\n')}
`;

async function manifests(ports: number[], extra = ''): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'lbctl-cli-'));
  await writeFile(join(dir, 'nodes.yaml'), nodesYaml);
  await writeFile(join(dir, 'svc.yaml'), serviceYaml(ports, extra));
  return [join(dir, 'nodes.yaml'), join(dir, 'svc.yaml')];
}

function harness(options: { interactive?: boolean; answer?: string; failOn?: string } = {}) {
  const mem = memoryProviderModule(options.failOn === undefined ? {} : { failOn: options.failOn });
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  let t = 0;
  const interrupt = new AbortController();
  const traps = { set: 0, released: 0 };
  const deps: CommandDeps = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    interactive: options.interactive ?? false,
    colorCapable: false,
    ask: (q) => {
      questions.push(q);
      return Promise.resolve(options.answer ?? 'yes');
    },
    env: {},
    loadProvider: () => Promise.resolve(mem.module),
    now: () => (t += 1_000),
    trapInterrupts: () => {
      traps.set += 1;
      return { signal: interrupt.signal, release: () => void (traps.released += 1) };
    },
  };
  return {
    mem,
    deps,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    questions,
    interrupt,
    traps,
  };
}

const planFlags = (filename: string[], extra: Partial<PlanFlags> = {}): PlanFlags => ({
  filename,
  provider: 'local',
  clusterName: 'demo',
  set: [],
  color: false,
  ...extra,
});
const applyFlags = (
  filename: string[] | undefined,
  extra: Partial<ApplyFlags> = {},
): ApplyFlags => ({
  ...(filename === undefined ? {} : { filename }),
  provider: 'local',
  clusterName: 'demo',
  set: [],
  color: false,
  ...extra,
});

describe('lbctl apply (generic engine, in-memory provider)', () => {
  it('applies after the plan with progress lines and the summary', async () => {
    const h = harness();
    const files = await manifests([80, 443]);
    expect(await runApply(undefined, applyFlags(files, { autoApprove: true }), h.deps)).toBe(0);
    const out = h.stdout();
    expect(out).toContain('Plan: 3 to add, 0 to change, 0 to destroy.');
    expect(out).toContain(
      'mem_lb.this: Creating...\nmem_lb.this: Creation complete after 1s [id=mem-1]\n',
    );
    expect(out).toContain('Apply complete! Resources: 3 added, 0 changed, 0 destroyed.');
    expect(h.mem.addresses()).toEqual(['mem_lb.this', 'mem_listener.p443', 'mem_listener.p80']);
  });

  it('asks on a terminal and proceeds only on "yes"', async () => {
    const files = await manifests([80]);
    const no = harness({ interactive: true, answer: 'y' });
    expect(await runApply(undefined, applyFlags(files), no.deps)).toBe(1);
    expect(no.questions[0]).toContain('Do you want to perform these actions?');
    expect(no.questions[0]).toContain("Only 'yes' will be accepted");
    expect(no.mem.writes).toEqual([]);
    const yes = harness({ interactive: true, answer: 'yes' });
    expect(await runApply(undefined, applyFlags(files), yes.deps)).toBe(0);
    expect(yes.mem.writes).toHaveLength(2);
  });

  it('refuses without a terminal and without --auto-approve, writing nothing', async () => {
    const h = harness({ interactive: false });
    await expect(runApply(undefined, applyFlags(await manifests([80])), h.deps)).rejects.toThrow(
      /--auto-approve/,
    );
    expect(h.mem.writes).toEqual([]);
  });

  it('is a no-op the second time: no question, no writes', async () => {
    const h = harness({ interactive: true });
    const files = await manifests([80]);
    await runApply(undefined, applyFlags(files, { autoApprove: true }), h.deps);
    const writes = h.mem.writes.length;
    expect(await runApply(undefined, applyFlags(files), h.deps)).toBe(0);
    expect(h.mem.writes).toHaveLength(writes);
    expect(h.questions).toEqual([]);
    expect(h.stdout()).toContain('Apply complete! Resources: 0 added, 0 changed, 0 destroyed.');
  });

  it('stops at the first failure and names the address', async () => {
    const h = harness({ failOn: 'mem_listener.p80' });
    await expect(
      runApply(undefined, applyFlags(await manifests([80, 81]), { autoApprove: true }), h.deps),
    ).rejects.toThrow('mem_listener.p80: error creating: AccessDenied');
    expect(h.stdout()).toContain('mem_listener.p80: Creation failed after 1s');
    expect(h.stdout()).not.toContain('Apply complete!');
  });

  it('names the Service on progress lines when several Services change', async () => {
    const h = harness();
    const files = await manifests([80]);
    const second = files[1]!.replace('svc.yaml', 'api.yaml');
    await writeFile(
      second,
      serviceYaml([90]).replace('name: web', 'name: api').replace('55555555', '66666666'),
    );
    await runApply(undefined, applyFlags([...files, second], { autoApprove: true }), h.deps);
    expect(h.stdout()).toContain('default/web: mem_lb.this: Creating...');
    // Services run side by side (the shared fake clock makes their elapsed times interleave).
    expect(h.stdout()).toMatch(
      /^default\/api: mem_listener\.p90: Creation complete after \d+s \[id=mem-\d+\]$/m,
    );
    expect(h.stdout()).toContain('Apply complete! Resources: 4 added, 0 changed, 0 destroyed.');
  });

  it('on an interrupt, finishes the step in flight and stops; the trap is released', async () => {
    const h = harness();
    const stdout = h.deps.stdout;
    h.deps.stdout = (s) => {
      stdout(s);
      if (s.includes('Creation complete')) h.interrupt.abort(new Error('SIGINT'));
    };
    await expect(
      runApply(undefined, applyFlags(await manifests([80, 81]), { autoApprove: true }), h.deps),
    ).rejects.toThrow(
      'apply stopped before mem_listener.p80 (1 of 3 steps done for Service default/web)',
    );
    expect(h.mem.addresses()).toEqual(['mem_lb.this']);
    expect(h.traps).toEqual({ set: 1, released: 1 });
  });

  it('prints the cloud calls with --show-calls', async () => {
    const h = harness();
    await runApply(
      undefined,
      applyFlags(await manifests([80]), { autoApprove: true, showCalls: true }),
      h.deps,
    );
    expect(h.stdout()).toContain('Cloud calls:');
  });
});

describe('lbctl plan -out + apply FILE', () => {
  it('applies exactly the saved plan', async () => {
    const h = harness();
    const files = await manifests([80]);
    const out = join(await mkdtemp(join(tmpdir(), 'lbctl-out-')), 'plan.json');
    expect(await runPlan(planFlags(files, { out, detailedExitcode: true }), h.deps)).toBe(2);
    expect(h.stdout()).toContain(`lbctl apply "${out}"`);
    expect(h.mem.writes).toEqual([]);
    expect(await runApply(out, applyFlags(undefined), h.deps)).toBe(0);
    expect(h.mem.addresses()).toEqual(['mem_lb.this', 'mem_listener.p80']);
  });

  it('refuses when the cloud changed since the plan was saved, writing nothing', async () => {
    const h = harness();
    const files = await manifests([80]);
    const out = join(await mkdtemp(join(tmpdir(), 'lbctl-out-')), 'plan.json');
    await runPlan(planFlags(files, { out }), h.deps);
    await runApply(undefined, applyFlags(files, { autoApprove: true }), h.deps); // someone else applied
    const writes = h.mem.writes.length;
    await expect(runApply(out, applyFlags(undefined), h.deps)).rejects.toThrow(
      /the cloud changed since this plan was saved \(Service default\/web: mem_lb.this appeared, mem_listener.p80 appeared\)/,
    );
    expect(h.mem.writes).toHaveLength(writes);
  });
});

describe('lbctl plan and destroy', () => {
  it('exits 0 with --detailed-exitcode when nothing changes', async () => {
    const h = harness();
    const files = await manifests([80]);
    await runApply(undefined, applyFlags(files, { autoApprove: true }), h.deps);
    expect(await runPlan(planFlags(files, { detailedExitcode: true }), h.deps)).toBe(0);
    expect(
      await runPlan(planFlags(await manifests([80, 81]), { detailedExitcode: true }), h.deps),
    ).toBe(2);
  });

  it('a cloud error while observing names the Service and what was being done', async () => {
    const mem = memoryProviderModule({
      observeError: new Error('connect ECONNREFUSED 127.0.0.1:1'),
    });
    const h = recordingDeps({ loadProvider: () => Promise.resolve(mem.module) });
    await expect(runPlan(planFlags(await manifests([80])), h.deps)).rejects.toThrow(
      /^Service default\/web: cannot read what exists in local: connect ECONNREFUSED 127\.0\.0\.1:1$/,
    );
  });

  it('apply FILE: a cloud error while observing again names the Service', async () => {
    const mem = memoryProviderModule();
    const h = recordingDeps({ loadProvider: () => Promise.resolve(mem.module) });
    const files = await manifests([80]);
    const out = `${files[0]!}.plan`;
    await runPlan(planFlags(files, { out }), h.deps);
    mem.failObserve(new Error('socket hang up'));
    await expect(runApply(out, applyFlags(undefined), h.deps)).rejects.toThrow(
      /^Service default\/web: cannot read what exists in local: socket hang up$/,
    );
  });

  it('never contacts the cloud with --offline', async () => {
    const h = harness();
    const files = await manifests([80]);
    await runApply(undefined, applyFlags(files, { autoApprove: true }), h.deps);
    expect(await runPlan(planFlags(files, { offline: true, detailedExitcode: true }), h.deps)).toBe(
      2,
    );
    expect(h.stdout()).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
  });

  it('destroys everything the Service owns, dependents first', async () => {
    const h = harness();
    const files = await manifests([80]);
    await runApply(undefined, applyFlags(files, { autoApprove: true }), h.deps);
    expect(await runDestroy({ ...planFlags(files), autoApprove: true }, h.deps)).toBe(0);
    expect(h.mem.addresses()).toEqual([]);
    expect(h.mem.writes.slice(-2)).toEqual([
      'delete default/web mem_listener.p80',
      'delete default/web mem_lb.this',
    ]);
    expect(h.stdout()).toContain('Destroy complete! Resources: 2 destroyed.');
  });

  it('plans the deletion of a Service that no longer wants a load balancer', async () => {
    const h = harness();
    await runApply(undefined, applyFlags(await manifests([80]), { autoApprove: true }), h.deps);
    const asClusterIP = await manifests([80]);
    await writeFile(
      asClusterIP[1]!,
      serviceYaml([80])
        .replace('type: LoadBalancer', 'type: ClusterIP')
        .replace(/, nodePort: \d+/, ''),
    );
    await runApply(undefined, applyFlags(asClusterIP, { autoApprove: true }), h.deps);
    expect(h.mem.addresses()).toEqual([]);
  });
});

describe('lbctl plan --observed', () => {
  it('plans against the snapshot, and names snapshot Services that are not in the manifests', async () => {
    const h = harness();
    const files = await manifests([80]);
    const tags = (address: string) => ({
      'kubernetes.io/cluster/demo': 'owned',
      'kubernetes.io/service-name': 'default/web',
      'kubernetes.io/service-uid': '11111111-2222-3333-4444-555555555555',
      'lbctl.io/resource': address,
    });
    const snapshotFile = join(await mkdtemp(join(tmpdir(), 'lbctl-obs-')), 'observed.json');
    await writeFile(
      snapshotFile,
      JSON.stringify({
        format_version: '1',
        services: [
          {
            namespace: 'default',
            name: 'web',
            resources: [
              {
                type: 'mem_lb',
                name: 'this',
                id: 'lb-1',
                attributes: {
                  scheme: 'external',
                  targets: ['node-a', 'node-b'],
                  tags: tags('mem_lb.this'),
                  hostname: 'lb-1.example',
                },
              },
              {
                type: 'mem_listener',
                name: 'p80',
                id: 'l-80',
                attributes: {
                  lb: 'mem_lb.this',
                  port: 80,
                  node_port: 30080,
                  tags: tags('mem_listener.p80'),
                },
                dependsOn: ['mem_lb.this'],
              },
              {
                type: 'mem_listener',
                name: 'p81',
                id: 'l-81',
                attributes: {
                  lb: 'mem_lb.this',
                  port: 81,
                  node_port: 30081,
                  tags: tags('mem_listener.p81'),
                },
                dependsOn: ['mem_lb.this'],
              },
            ],
          },
          { namespace: 'other', name: 'gone', resources: [] },
        ],
      }),
    );
    expect(
      await runPlan(planFlags(files, { observed: snapshotFile, detailedExitcode: true }), h.deps),
    ).toBe(2);
    expect(h.stdout()).toContain('Plan: 0 to add, 0 to change, 1 to destroy.');
    expect(h.stderr()).toContain(
      `${snapshotFile}: Service other/gone is not in the manifests; its resources are left alone`,
    );
    expect(h.mem.writes).toEqual([]);
  });
});
