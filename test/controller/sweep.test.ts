// The controller's ownership sweep against providers/local, time under the test's control.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/index.js';
import type { Service } from '../../src/core/k8s.js';
import type { Provider } from '../../src/core/provider.js';
import { OrphanSweeper, type SweepMode } from '../../src/controller/sweep.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { planService } from '../../src/pipeline/index.js';
import { lbService, node } from './support/fixtures.js';
import { harness } from './support/harness.js';

type H = ReturnType<typeof harness>;

/** Makes in the cloud what a Service of this UID would own, as if a controller had run. */
async function leftovers(
  provider: Provider,
  service: Service,
  clusterName = 'test',
): Promise<void> {
  const sp = await planService({
    service,
    nodes: [node('node-1')],
    provider,
    clusterName,
    mode: 'verify',
  });
  // Creates only: what the cloud holds already (a renamed port's old listener) stays.
  const plan = { ...sp.plan, order: sp.plan.order.filter((a) => a.action === 'create') };
  await apply(plan, provider, { observed: sp.observed, ctx: { clusterName } });
}

const ghost = (name: string, uid: string, over: Parameters<typeof lbService>[1] = {}) => {
  const s = lbService(name, { index: 90, ...over });
  s.metadata.uid = uid;
  return s;
};

function sweeper(h: H, mode: SweepMode, metrics = createMetrics({ queueDepth: () => ({}) })) {
  return {
    metrics,
    sweeper: new OrphanSweeper({
      provider: h.controller['o'].provider,
      cache: h.cluster,
      clusterName: 'test',
      mode,
      intervalMs: 3_600_000,
      firstDelayMs: 60_000,
      isBusy: (key) => h.controller.isBusy(key),
      clock: h.clock,
      logger: pino({ level: 'silent' }),
      metrics,
    }),
  };
}

async function converged(): Promise<H> {
  const h = harness();
  h.cluster.setNode(node('node-1'));
  h.cluster.applyService(lbService('web', { index: 1 }));
  await h.start();
  return h;
}

const provider = (h: H): Provider => h.controller['o'].provider;
const ids = (h: H) =>
  h.cloud
    .list()
    .map((r) => r.id)
    .sort();

describe('ownership sweep (controller)', () => {
  it('report mode finds the resources of a vanished Service UID, counts them and deletes nothing', async () => {
    const h = await converged();
    await leftovers(provider(h), ghost('gone', 'uid-gone'));
    const before = ids(h);
    const { sweeper: s, metrics } = sweeper(h, 'report');
    h.calls.reset();
    const r = await s.sweepOnce();
    expect(r.orphans.map((o) => `${o.service.name} ${o.kind} ${o.resource.type}`).sort()).toEqual([
      'gone gone local_lb',
      'gone gone local_listener',
      'gone gone local_target_set',
    ]);
    expect(r.orphans[0]!.reason).toMatch(/Service default\/gone \(uid uid-gone\) no longer exists/);
    expect(r.deleted).toBe(0);
    expect(ids(h)).toEqual(before);
    expect(h.writes()).toBe(0);
    expect(h.reads()).toBe(1); // one listing of the account, whatever its size
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/lbctl_orphaned_resources\{kind="gone"\} 3/);
    expect(text).toMatch(/lbctl_orphaned_resources\{kind="not-needed"\} 0/);
  });

  it('delete mode deletes only orphans: never a live Service, another cluster or an untagged resource', async () => {
    const h = await converged();
    const webIds = ids(h);
    await leftovers(provider(h), ghost('gone', 'uid-gone'));
    const goneIds = ids(h).filter((id) => !webIds.includes(id));
    await leftovers(provider(h), ghost('theirs', 'uid-theirs'), 'other-cluster');
    const foreign = await h.cloud.create({
      type: 'local_lb',
      attributes: { name: 'a-foreign' },
      tags: {},
      clientToken: 'foreign',
    });
    const keep = ids(h).filter((id) => !goneIds.includes(id));
    expect(keep).toHaveLength(3 + 3 + 1);
    const { sweeper: s, metrics } = sweeper(h, 'delete');
    const r = await s.sweepOnce();
    expect(r.deleted).toBe(3);
    expect(r.orphans.every((o) => o.service.uid === 'uid-gone')).toBe(true);
    expect(ids(h)).toEqual(keep);
    expect(keep).toContain(foreign.id);
    expect((await s.sweepOnce()).orphans).toEqual([]);
    expect(await metrics.registry.metrics()).toMatch(/lbctl_orphaned_resources_deleted_total 3/);
  });

  it('a Service created a moment ago (not reconciled yet) protects what is tagged with its UID', async () => {
    const h = harness();
    h.cluster.setNode(node('node-1'));
    // In the cache, workers not started: nothing reconciled it in this process.
    const fresh = h.cluster.applyService(lbService('fresh', { index: 2 }));
    await leftovers(provider(h), fresh as Service);
    const { sweeper: s } = sweeper(h, 'delete');
    const r = await s.sweepOnce();
    expect(r.orphans).toEqual([]);
    expect(h.cloud.list()).toHaveLength(3);
  });

  it('a live Service whose port was renamed: the leftover listener is an orphan, the rest stays', async () => {
    const h = await converged();
    const web = h.cluster.service('default/web') as Service;
    const renamed = structuredClone(web);
    renamed.spec.ports = [{ ...renamed.spec.ports![0]!, name: 'web' }];
    // A crash between creating the new listener and deleting the old one, as the cloud shows it.
    await leftovers(provider(h), renamed);
    const { sweeper: s } = sweeper(h, 'report');
    const r = await s.sweepOnce();
    expect(r.orphans.map((o) => `${o.kind} ${o.resource.type}.${o.resource.name}`)).toEqual([
      'not-needed local_listener.web',
      'not-needed local_target_set.web',
    ]);
    expect(r.orphans[0]!.reason).toBe(
      'orphaned: Service default/web no longer needs local_listener.web',
    );
  });

  it('a Service that is being reconciled is left to its reconcile, even in delete mode', async () => {
    const h = harness();
    h.cluster.setNode(node('node-1'));
    // Workers not started: the key stays queued, as while a worker is busy with others.
    const web = h.cluster.applyService(lbService('web', { index: 1 })) as Service;
    await leftovers(provider(h), web);
    h.cluster.applyService({ ...structuredClone(web), spec: { ...web.spec, type: 'ClusterIP' } });
    expect(h.controller.isBusy('default/web')).toBe(true);
    const { sweeper: s } = sweeper(h, 'delete');
    const r = await s.sweepOnce();
    expect(r.orphans.map((o) => o.kind)).toEqual(['not-wanted', 'not-wanted', 'not-wanted']);
    expect(r.orphans[0]!.reason).toMatch(
      /wants no load balancer from lbctl: spec.type is ClusterIP/,
    );
    expect(r.deleted).toBe(0);
    expect(r.skipped).toBe(3);
    expect(h.cloud.list()).toHaveLength(3);
  });

  it('runs periodically on the injected clock after start, and not after stop', async () => {
    const h = await converged();
    await leftovers(provider(h), ghost('gone', 'uid-gone'));
    const { sweeper: s } = sweeper(h, 'delete');
    s.start();
    await h.clock.advance(59_000);
    expect(h.cloud.list()).toHaveLength(6);
    await h.clock.advance(1_000);
    expect(h.cloud.list()).toHaveLength(3);
    await leftovers(provider(h), ghost('gone2', 'uid-gone2'));
    await h.clock.advance(3_600_000 * 1.1);
    expect(h.cloud.list()).toHaveLength(3);
    await s.stop();
    await leftovers(provider(h), ghost('gone3', 'uid-gone3'));
    await h.clock.advance(3_600_000 * 2);
    expect(h.cloud.list()).toHaveLength(6);
  });
});
