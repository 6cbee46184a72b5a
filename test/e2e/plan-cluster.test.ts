// `lbctl plan` against a cluster (the sandbox API server), with the cloud the controller uses.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPlan, type PlanFlags } from '../../src/cli/commands/plan.js';
import type { CommandDeps } from '../../src/cli/planning/io.js';
import { createCallLog } from '../../src/core/calls.js';
import { LocalCloud, connectLocal, localProviderModule } from '../../providers/local/index.js';
import { e2eEnv, eventually, nodeYaml, serviceYaml } from './support.js';

type Env = Awaited<ReturnType<typeof e2eEnv>>;
let env: Env;
let cloud: LocalCloud;

beforeEach(async () => {
  env = await e2eEnv();
  cloud = new LocalCloud();
  for (let i = 1; i <= 2; i++) await env.apply(nodeYaml(`node-${i}`, `local://node-${i}`));
  const calls = createCallLog();
  await env.startCtl({ provider: connectLocal(cloud, calls), calls });
  await env.apply(serviceYaml('web'));
  await eventually(
    async () => (await env.getSvc('web')).status?.loadBalancer?.ingress?.[0]?.ip,
    'an IP',
  );
});
afterEach(async () => {
  await env.close();
});

function plan(flags: Partial<PlanFlags>, names: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: CommandDeps = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    interactive: false,
    colorCapable: false,
    ask: () => Promise.resolve('no'),
    env: {},
    loadProvider: async () => localProviderModule(cloud),
    now: () => 0,
    trapInterrupts: () => ({ signal: new AbortController().signal, release: () => undefined }),
  };
  const all = {
    provider: 'local',
    clusterName: 'e2e',
    set: [],
    color: false,
    detailedExitcode: true,
    kubeconfig: env.sandbox.kubeconfigPath,
    ...flags,
  } as PlanFlags;
  return runPlan(all, deps, names).then((code) => ({ code, out: out.join(''), err: err.join('') }));
}

describe('lbctl plan against a cluster', { timeout: 60_000 }, () => {
  it('a converged cluster plans no changes, with the cloud observed', async () => {
    const r = await plan({});
    expect(r.code).toBe(0);
    expect(r.out).toContain('No changes');
  });

  it('-f proposed.yaml previews a port change without sending it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbctl-proposed-'));
    const file = join(dir, 'proposed.yaml');
    await writeFile(file, serviceYaml('web', { port: 8080 }));
    const r = await plan({ filename: [file] });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/~ resource "local_listener" "http"/);
    expect(r.out).toMatch(/port\s+= 80 -> 8080/);
    expect(r.out).toMatch(/Plan: 0 to add, 1 to change, 0 to destroy\./);
    const live = await env.kubectl('get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].port}');
    expect(live).toBe('80');
  });

  it('a proposed new Service asking for a taken nodePort fails with the API server message', async () => {
    const taken = (
      await env.kubectl('get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}')
    ).trim();
    const dir = await mkdtemp(join(tmpdir(), 'lbctl-proposed-'));
    const file = join(dir, 'new.yaml');
    await writeFile(
      file,
      serviceYaml('other').replace(
        'targetPort: 8080',
        `targetPort: 8080\n      nodePort: ${taken}`,
      ),
    );
    await expect(plan({ filename: [file] })).rejects.toThrow(
      new RegExp(
        `spec.ports\\[0\\].nodePort: Invalid value: ${taken}: provided port is already allocated`,
      ),
    );
  });

  it('a name, a namespace and a selector narrow the Services planned', async () => {
    await env.apply(serviceYaml('second'));
    await eventually(
      async () => (await env.getSvc('second')).status?.loadBalancer?.ingress?.[0]?.ip,
      'an IP',
    );
    await env.kubectl('delete', 'svc', 'second', '--wait=false');
    expect((await plan({}, ['web'])).code).toBe(0);
    await expect(plan({}, ['missing'])).rejects.toThrow(/Service "missing" not found/);
    expect((await plan({ namespace: 'kube-system' })).out).not.toContain('local_lb');
    await env.kubectl('label', 'svc', 'web', 'tier=edge');
    const none = await plan({ selector: 'tier=none', detailedExitcode: false, offline: true });
    expect(none.out).not.toContain('local_lb');
    const edge = await plan({ selector: 'tier=edge', offline: true });
    expect(edge.out).toMatch(/\+ resource "local_lb" "this"/);
  });
});
