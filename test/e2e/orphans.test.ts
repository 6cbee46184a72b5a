// `lbctl plan --orphans` and `lbctl apply PLANFILE` of it, against the sandbox API server and
// the cloud the controller uses (providers/local).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/cli/commands/apply.js';
import { runPlan, type PlanFlags } from '../../src/cli/commands/plan.js';
import type { CommandDeps } from '../../src/cli/planning/io.js';
import { apply } from '../../src/apply/index.js';
import { createCallLog } from '../../src/core/calls.js';
import type { Provider } from '../../src/core/provider.js';
import { planService } from '../../src/pipeline/index.js';
import { LocalCloud, connectLocal, localProviderModule } from '../../providers/local/index.js';
import { lbService, node } from '../controller/support/fixtures.js';
import { e2eEnv, eventually, nodeYaml, serviceYaml } from './support.js';

let env: Awaited<ReturnType<typeof e2eEnv>>;
let cloud: LocalCloud;
let provider: Provider;
let dir: string;
let ctl: Awaited<ReturnType<Awaited<ReturnType<typeof e2eEnv>>['startCtl']>>;
/** The controller's own sweep, as `lbctl run --orphan-sweep-interval=1s` (report mode). */
const sweepConfig = { orphanSweepInterval: '1s' };

beforeEach(async () => {
  env = await e2eEnv();
  cloud = new LocalCloud();
  dir = await mkdtemp(join(tmpdir(), 'lbctl-orphans-'));
  await env.apply(nodeYaml('node-1', 'local://node-1'));
  const calls = createCallLog();
  provider = connectLocal(cloud, calls);
  ctl = await env.startCtl({ provider, calls, config: sweepConfig });
  await env.apply(serviceYaml('web'));
  await eventually(
    async () => (await env.getSvc('web')).status?.loadBalancer?.ingress?.[0]?.ip,
    'an IP',
  );
  // What a Service deleted while lbctl was not running left behind, and one resource that is
  // not ours at all.
  const ghost = lbService('ghost', { index: 7 });
  ghost.metadata.uid = 'uid-ghost';
  const sp = await planService({
    service: ghost,
    nodes: [node('node-1')],
    provider,
    clusterName: 'e2e',
    mode: 'verify',
  });
  await apply(sp.plan, provider, { observed: [], ctx: { clusterName: 'e2e' } });
  await cloud.create({
    type: 'local_lb',
    attributes: { name: 'not-ours' },
    tags: {},
    clientToken: 'not-ours',
  });
});
afterEach(async () => {
  await env.close();
});

function deps(out: string[], err: string[]): CommandDeps {
  return {
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
}

async function plan(flags: Partial<PlanFlags>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPlan(
    {
      provider: 'local',
      clusterName: 'e2e',
      set: [],
      color: false,
      detailedExitcode: true,
      orphans: true,
      ...flags,
    } as PlanFlags,
    deps(out, err),
  );
  return { code, out: out.join(''), err: err.join('') };
}

const types = () =>
  cloud
    .list()
    .map((r) => `${r.type} ${r.tags['kubernetes.io/service-name'] ?? '(untagged)'}`)
    .sort();

describe('lbctl plan --orphans', { timeout: 60_000 }, () => {
  it('--cluster plans deleting the vanished Service resources with the reason, and apply PLANFILE deletes exactly them', async () => {
    const file = join(dir, 'orphans.plan');
    const r = await plan({ cluster: true, kubeconfig: env.sandbox.kubeconfigPath, out: file });
    expect(r.code).toBe(2);
    expect(r.out).toContain('# Service default/ghost (provider local)');
    expect(r.out).toMatch(/- resource "local_lb" "this"/);
    expect(r.out).toContain('orphaned: Service default/ghost (uid uid-ghost) no longer exists');
    expect(r.out).not.toContain('default/web');
    expect(r.out).toMatch(/Plan: 0 to add, 0 to change, 3 to destroy\./);

    const out: string[] = [];
    expect(await runApply(file, { clusterName: 'e2e', set: [], color: false }, deps(out, []))).toBe(
      0,
    );
    expect(out.join('')).toMatch(/Resources: 0 added, 0 changed, 3 destroyed/);
    expect(types()).toEqual([
      'local_lb (untagged)',
      'local_lb default/web',
      'local_listener default/web',
      'local_target_set default/web',
    ]);
    expect((await plan({ cluster: true, kubeconfig: env.sandbox.kubeconfigPath })).code).toBe(0);
  });

  it('a saved orphans plan is refused when the cloud changed since', async () => {
    const file = join(dir, 'orphans.plan');
    await plan({ cluster: true, kubeconfig: env.sandbox.kubeconfigPath, out: file });
    const lb = cloud.list().find((r) => r.tags['kubernetes.io/service-uid'] === 'uid-ghost')!;
    await cloud.modify(lb.id, { name: 'changed' });
    await expect(
      runApply(file, { clusterName: 'e2e', set: [], color: false }, deps([], [])),
    ).rejects.toThrow(/the cloud changed since this plan was saved.*local_lb.this changed/);
    expect(cloud.list()).toHaveLength(7);
  });

  it('files: the manifests are the live set, with the UIDs they carry', async () => {
    const exported = join(dir, 'exported.json');
    await writeFile(exported, await env.kubectl('get', 'svc', '-A', '-o', 'json'));
    const r = await plan({ filename: [exported] });
    expect(r.code).toBe(2);
    expect(r.err).toContain('The manifests are taken as every Service of the cluster');
    expect(r.out).toMatch(/Plan: 0 to add, 0 to change, 3 to destroy\./);
    expect(r.out).not.toContain('default/web');
    // Without metadata.uid a file's Service gets a UID derived from its name: not the cluster's.
    const noUid = join(dir, 'svc.yaml');
    await writeFile(noUid, serviceYaml('web'));
    const guessed = await plan({ filename: [noUid] });
    expect(guessed.out).toMatch(/Plan: 0 to add, 0 to change, 6 to destroy\./);
    expect(guessed.out).toMatch(
      /Service default\/web \(uid [-0-9a-f]+\) no longer exists; the Service of that name now has uid/,
    );
  });

  it('the running controller sweeps too: it reports the orphans in lbctl_orphaned_resources and deletes nothing', async () => {
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${ctl.opsUrl}/metrics`)).text();
      return /lbctl_orphaned_resources\{kind="gone"\} 3/.test(text) ? text : undefined;
    }, 'a sweep that found the ghost');
    expect(metrics).toMatch(/lbctl_orphaned_resources\{kind="not-needed"\} 0/);
    expect(metrics).toMatch(/lbctl_orphaned_resources_deleted_total 0/);
    expect(cloud.list()).toHaveLength(7);
  });

  it('refuses inputs that would narrow the live set', async () => {
    await expect(
      plan({ cluster: true, kubeconfig: env.sandbox.kubeconfigPath, namespace: 'default' }),
    ).rejects.toThrow(/cannot be combined with --namespace/);
  });
});
