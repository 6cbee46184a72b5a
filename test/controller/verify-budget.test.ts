// Drift verification within a budget: a share of each API class's client rate, time injected.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { APPLIED_ANNOTATION, specFingerprint } from '../../src/controller/applied.js';
import { VerifyBudget } from '../../src/controller/verify-budget.js';
import { LocalCloud } from '../../providers/local/index.js';
import { ManualClock } from './support/clock.js';
import { lbService, node } from './support/fixtures.js';
import { harness } from './support/harness.js';
import { MemoryCluster } from './support/memory-cluster.js';

type H = ReturnType<typeof harness>;
const running: H[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.controller.stop();
});

/** A seeded generator, so that "random" spreads are the same on every run. */
function seeded(seed = 42): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** Reads (DescribeResources) per window of `ms` on the harness clock, while `total` elapses. */
async function readsPerWindow(h: H, total: number, ms: number): Promise<number[]> {
  const out: number[] = [];
  for (let t = 0; t < total; t += ms) {
    const before = h.calls.count({ operation: 'DescribeResources' });
    await h.clock.advance(ms);
    out.push(h.calls.count({ operation: 'DescribeResources' }) - before);
  }
  return out;
}

async function convergedCluster(n: number, cloud: LocalCloud): Promise<MemoryCluster> {
  const cluster = new MemoryCluster();
  const first = harness({ cloud, cluster, verifyIntervalMs: 0 });
  cluster.setNode(node('n1'));
  for (let i = 1; i <= n; i++) cluster.applyService(lbService(`s${i}`, { index: i }));
  await first.start();
  await first.controller.stop();
  return cluster;
}

describe('verification budget', () => {
  it('a restart spreads the verification of converged Services over the interval, and a new Service goes first', async () => {
    const cloud = new LocalCloud();
    const cluster = await convergedCluster(40, cloud);
    const h = harness({ cloud, cluster, random: seeded(), verifyIntervalMs: 100_000 });
    running.push(h);
    cluster.replay();
    cluster.applyService(lbService('new', { index: 99 }));
    await h.start();
    // The new Service is made at once; none of the 40 is read yet.
    expect(cluster.service('default/new')?.status?.loadBalancer?.ingress).toHaveLength(1);
    expect(h.calls.count({ operation: 'DescribeResources' })).toBe(1);
    const windows = await readsPerWindow(h, 100_000, 10_000);
    // The 40, and perhaps the new Service's own first verification (due at 90-110 s).
    expect(windows.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(40);
    expect(windows.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(41);
    // Spread: no tenth of the interval holds more than a quarter of the round.
    expect(Math.max(...windows)).toBeLessThanOrEqual(10);
    expect(h.writes()).toBe(3);
  });

  it('a Service changed while the controller was down is reconciled at once, not in the spread', async () => {
    const cloud = new LocalCloud();
    const cluster = await convergedCluster(3, cloud);
    const s2 = cluster.service('default/s2')!;
    cluster.applyService({
      ...structuredClone(s2),
      spec: { ...structuredClone(s2.spec), ports: [{ ...s2.spec.ports![0]!, port: 8080 }] },
    } as never);
    const h = harness({ cloud, cluster, random: seeded(), verifyIntervalMs: 100_000 });
    running.push(h);
    cluster.replay();
    await h.start();
    expect(h.calls.count({ operation: 'DescribeResources' })).toBe(1);
    expect(h.ops()).toContain('ModifyListener');
  });

  it('when Services outnumber the budget the interval stretches, shown by the controller, and reads stay within it', async () => {
    const cloud = new LocalCloud();
    const cluster = await convergedCluster(60, cloud);
    // 10 reads/s client rate, 20 % → 2 verification reads/s: 60 Services need 30 s, not 10.
    const h = harness({
      cloud,
      cluster,
      random: seeded(),
      verifyIntervalMs: 10_000,
      clientLimits: { read: { rate: 10, burst: 10 }, write: { rate: 10, burst: 10 } },
    });
    running.push(h);
    cluster.replay();
    await h.start();
    const windows = await readsPerWindow(h, 120_000, 5_000);
    // 2/s over 5 s, plus at most one bucket (2) carried in.
    expect(Math.max(...windows)).toBeLessThanOrEqual(12);
    const status = h.controller.verifyStatus();
    expect(status.budget).toEqual({ read: 2, write: 2 });
    expect(status.intervalSeconds).toBeCloseTo(30, 0);
    // Over the two minutes every Service was verified about four times (120 s / 30 s).
    const total = windows.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(200);
    expect(total).toBeLessThanOrEqual(240 + 2);
  });

  it('a budget of 1.0 lets verification use the whole rate', async () => {
    const clock = new ManualClock();
    const b = new VerifyBudget({ rates: { read: 10 }, share: 1, clock });
    expect(b.rates()).toEqual({ read: 10 });
    expect(() => new VerifyBudget({ rates: { read: 10 }, share: 0, clock })).toThrow(
      /share must be in \(0, 1\], got 0/,
    );
    expect(() => new VerifyBudget({ rates: { read: -1 }, share: 0.2, clock })).toThrow(
      /rates.read must be a positive number, got -1/,
    );
  });

  it('charges only the calls made inside a verification, not concurrent ones', async () => {
    const clock = new ManualClock();
    const b = new VerifyBudget({ rates: { read: 10 }, share: 0.5, clock });
    const call = {
      provider: 'local',
      operation: 'X',
      write: false,
      apiClass: 'read',
      outcome: 'ok',
      durationMs: 0,
    } as const;
    let release: () => void = () => {};
    const inside = b.run(async () => {
      b.record(call);
      await new Promise<void>((r) => (release = r));
      b.record(call);
    });
    b.record(call); // a new Service's reconcile, outside
    release();
    await inside;
    expect(b.roundMs(10)).toBe(4_000); // 2 calls per verification, 5 per second
    // 5 tokens at most: 3 left; a second verification is charged 2 up front and uses 2.
    expect(b.waitMs()).toBe(0);
    await b.run(async () => {
      b.record(call);
      b.record(call);
    });
    expect(b.waitMs()).toBe(200); // 1 token left, 2 needed, 5 per second
    await clock.advance(200);
    expect(b.waitMs()).toBe(0);
  });
});

describe('spec fingerprint', () => {
  it('does not depend on key order (a list and a watch event decode the same Service differently)', () => {
    const a = lbService('web');
    const b = JSON.parse(JSON.stringify(a, Object.keys(a).reverse())) as typeof a;
    const reordered = {
      ...b,
      metadata: { namespace: a.metadata.namespace, name: a.metadata.name },
      spec: Object.fromEntries(Object.entries(a.spec).reverse()),
    } as typeof a;
    expect(JSON.stringify(reordered.spec)).not.toBe(JSON.stringify(a.spec));
    expect(specFingerprint(reordered)).toBe(specFingerprint(a));
  });

  it('ignores our own applied-spec annotation, and sees every other annotation', () => {
    const a = lbService('web');
    const ours = { ...a, metadata: { ...a.metadata, annotations: { [APPLIED_ANNOTATION]: 'x' } } };
    const theirs = {
      ...a,
      metadata: { ...a.metadata, annotations: { 'lbctl.io/scheme': 'internal' } },
    };
    expect(specFingerprint(ours)).toBe(specFingerprint(a));
    expect(specFingerprint(theirs)).not.toBe(specFingerprint(a));
  });

  it('a new Service is reconciled once: its own finalizer, status and annotation writes queue nothing', async () => {
    const h = harness();
    running.push(h);
    h.cluster.setNode(node('n1'));
    h.cluster.applyService(lbService('web'));
    await h.start();
    expect(h.calls.count({ operation: 'DescribeResources' })).toBe(1);
    expect(h.cluster.writes.updateService).toBe(2); // the finalizer, then the applied spec
    expect(h.controller.isIdle()).toBe(true);
  });
});

describe('reconcile failures in the log', () => {
  it('warn while retries are few, error once they pass the threshold (5), with the reason', async () => {
    const lines: { level: number; msg: string; failures?: number; err?: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (l: string) => void lines.push(JSON.parse(l) as (typeof lines)[number]) },
    );
    const cloud = new LocalCloud();
    cloud.beforeCall = (op) => {
      if (op.startsWith('Create')) throw new Error('quota exceeded for load balancers');
    };
    const h = harness({ cloud, logger });
    running.push(h);
    h.cluster.setNode(node('n1'));
    h.cluster.applyService(lbService('web'));
    await h.start();
    for (let i = 0; i < 6; i++) {
      await h.clock.advance(300_000);
      await h.settle();
    }
    const failed = lines.filter((l) => l.msg === 'reconcile failed');
    expect(failed.length).toBeGreaterThanOrEqual(6);
    expect(failed.slice(0, 4).every((l) => l.level === 40)).toBe(true);
    expect(failed.slice(4).every((l) => l.level === 50)).toBe(true);
    expect(failed[4]).toMatchObject({ failures: 5 });
    expect(failed[4]!.err).toMatch(/quota exceeded for load balancers/);
  });
});

describe('node changes after a restart', () => {
  it('Services not verified since the restart take a node change after new Services', async () => {
    const cloud = new LocalCloud();
    const cluster = await convergedCluster(10, cloud);
    const h = harness({ cloud, cluster, random: seeded(), verifyIntervalMs: 600_000, workers: 1 });
    running.push(h);
    cluster.replay();
    await h.start();
    h.calls.reset();
    cluster.setNode(node('n2')); // every Service must register it: 10 full observes
    cluster.applyService(lbService('new', { index: 99 }));
    await h.settle();
    const creates = h.ops().indexOf('CreateLoadBalancer');
    const observesBefore = h
      .ops()
      .slice(0, creates)
      .filter((o) => o === 'DescribeResources');
    expect(observesBefore.length).toBeLessThanOrEqual(2); // the new one's, and at most one in flight
    expect(h.ops().filter((o) => o === 'RegisterTargets')).toHaveLength(10);
  });
});

describe('verification waits for new and changed Services', () => {
  it('a due verification is not admitted while a new Service is being reconciled', async () => {
    const cloud = new LocalCloud();
    const cluster = await convergedCluster(3, cloud);
    const h = harness({ cloud, cluster, random: () => 0.5, verifyIntervalMs: 100_000 });
    running.push(h);
    cluster.replay();
    await h.start(); // the three are due at 50 s
    let release: () => void = () => {};
    cloud.beforeCall = (op) =>
      op === 'CreateLoadBalancer' ? new Promise<void>((r) => (release = r)) : undefined;
    h.calls.reset();
    cluster.applyService(lbService('new', { index: 99 }));
    await h.clock.advance(60_000); // due now, but the new Service's create hangs
    expect(h.calls.count({ operation: 'DescribeResources' })).toBe(1);
    release();
    await h.settle();
    await h.clock.advance(1_000);
    await h.settle();
    expect(h.calls.count({ operation: 'DescribeResources' })).toBe(4);
  });
});
