// `npm run bench scale-controller`: a controller restart with K converged Services on moto,
// through the real AWS adapter, with the client limits at AWS's published ELBv2 / EC2 rates
// (providers/aws DEFAULT_LIMITS: ELBv2 Describe 10/s burst 40, EC2 describe 20/s burst 100...).
// A new Service is created at the moment of the restart. Prints: seeding time, time until the new
// Service's first cloud write (target ≤ 5 s) and its address, verification reads per second
// per API class against the budget (30 s windows), Services verified in the window, and the
// round time: measured when it completes within the window, otherwise projected from the rate.
// Knobs: LBCTL_BENCH_K (300) LBCTL_BENCH_WINDOW_S (90) LBCTL_BENCH_VERIFY_INTERVAL_S (60)
//        LBCTL_BENCH_BUDGET (0.2) LBCTL_BENCH_WORKERS (4) LBCTL_BENCH_PORTS (2)
import { pino } from 'pino';
import { systemClock } from '../../src/controller/clock.js';
import { Controller } from '../../src/controller/controller.js';
import { createEventRecorder } from '../../src/controller/events.js';
import { createCallLog } from '../../src/core/calls.js';
import type { CallRecord } from '../../src/core/provider.js';
import { noMetrics, type ControllerMetrics } from '../../src/observability/metrics.js';
import { apply } from '../../src/apply/index.js';
import { looksConverged, recordApplied, specHash } from '../../src/controller/applied.js';
import { setFinalizer } from '../../src/controller/finalizer.js';
import { statusPatch } from '../../src/controller/status.js';
import type { Node, Service } from '../../src/core/k8s.js';
import { planService } from '../../src/pipeline/index.js';
import { connectAws } from '../../providers/aws/provider.js';
import { createClients } from '../../providers/aws/clients.js';
import { seedNetwork } from '../aws/network.js';
import { lbService, node } from '../controller/support/fixtures.js';
import { MemoryCluster } from '../controller/support/memory-cluster.js';
import { startMoto } from '../support/moto.js';

/** Reads are counted in windows this long: one verification's calls come at once, then the budget waits. */
const WINDOW_MS = 30_000;
const ENV = { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };
const CLUSTER = 'bench';
const num = (name: string, def: number): number => {
  const v = process.env[name];
  return v === undefined || v === '' ? def : Number(v);
};
const out = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default async function scaleControllerBench(): Promise<void> {
  const k = num('LBCTL_BENCH_K', 300);
  const windowS = num('LBCTL_BENCH_WINDOW_S', 90);
  const intervalS = num('LBCTL_BENCH_VERIFY_INTERVAL_S', 60);
  const share = num('LBCTL_BENCH_BUDGET', 0.2);
  const workers = num('LBCTL_BENCH_WORKERS', 4);
  const ports = num('LBCTL_BENCH_PORTS', 2);
  const moto = await startMoto();
  try {
    const direct = createClients(
      { endpoint: moto.endpoint, region: 'us-east-1', rates: {} },
      { env: ENV },
    );
    const net = await seedNetwork(direct.ec2, { nodes: 3, clusterName: CLUSTER });
    const values = {
      endpoint: moto.endpoint,
      region: 'us-east-1',
      'vpc-id': net.vpcId,
      // No `security-group`: one rule per NodePort on one group would pass the 60-rule limit
      // (AWS's and moto's) long before K = 300. The nodes' groups are taken as open to the NLBs.
    };
    const cluster = new MemoryCluster();
    for (const n of net.nodes)
      cluster.setNode({ ...node(n.nodeName), spec: { providerID: n.providerID } });
    const service = (name: string, i: number) =>
      lbService(name, {
        index: i,
        ports: Array.from({ length: ports }, (_, p) => ({
          name: `p${p}`,
          port: 80 + p,
          nodePort: 30000 + ((i * ports + p) % 2700),
        })),
      });
    for (let i = 1; i <= k; i++) cluster.applyService(service(`svc-${i}`, i));

    const controllerOn = (options: {
      limits?: Parameters<typeof connectAws>[1]['limits'];
      verifyIntervalMs: number;
      metrics?: ControllerMetrics;
      onCall?: (c: CallRecord) => void;
    }) => {
      const calls = createCallLog({ keep: 0 });
      const provider = connectAws(
        { clusterName: CLUSTER, values, env: ENV },
        { calls, requestTimeoutMs: 30_000, ...(options.limits ? { limits: options.limits } : {}) },
      );
      const controller = new Controller({
        cache: cluster,
        kube: cluster.api,
        events: createEventRecorder({ api: cluster.api, clock: systemClock, instance: 'bench' }),
        provider,
        clusterName: CLUSTER,
        clock: systemClock,
        logger: pino({ level: process.env['LBCTL_BENCH_TRACE'] ? 'debug' : 'silent' }),
        workers,
        verifyIntervalMs: options.verifyIntervalMs,
        verifyBudget: share,
        metrics: options.metrics ?? noMetrics,
      });
      calls.onRecord((c) => {
        controller.recordCloudCall(c);
        options.onCall?.(c);
      });
      cluster.onService((e, s) => controller.onService(e, s));
      cluster.onNode((e, n) => controller.onNode(e, n));
      return { controller, calls, provider };
    };
    const converged = (name: string) =>
      (cluster.service(`default/${name}`)?.status?.loadBalancer?.ingress?.length ?? 0) > 0;

    // 1. Seed K converged Services: plans applied straight through the adapter (no observe, so
    // seeding does not cost O(K²) while observe still lists the account), the limits lifted;
    // then finalizer, status and applied-spec annotation as a controller leaves them.
    out(`K = ${k} Services × ${ports} ports × ${net.nodes.length} nodes on moto; seeding...`);
    const lifted = Object.fromEntries(
      ['describe', 'mutate', 'register', 'ec2-describe', 'ec2-mutate'].map((c) => [
        c,
        { rate: 100_000, burst: 100_000 },
      ]),
    );
    const seedCalls = createCallLog({ keep: 0 });
    const seeder = connectAws(
      { clusterName: CLUSTER, values, env: ENV },
      { calls: seedCalls, limits: lifted, requestTimeoutMs: 30_000 },
    );
    const t0 = performance.now();
    const keys = cluster.services().map((x) => `${x.metadata.namespace}/${x.metadata.name}`);
    let next = 0;
    const seedOne = async (key: string) => {
      const svc = cluster.service(key) as Service;
      const sp = await planService({
        service: svc,
        nodes: cluster.nodes() as Node[],
        provider: seeder,
        clusterName: CLUSTER,
        mode: 'verify',
        observed: [],
      });
      const applied = await apply(sp.plan, seeder, { observed: [], ctx: { clusterName: CLUSTER } });
      const withFinalizer = (await setFinalizer(cluster.api, svc, true)) as Service;
      const [namespace = 'default', name] = key.split('/');
      const patch = statusPatch(withFinalizer, seeder.ingress(applied.resources));
      const patched = await cluster.api.patchServiceStatus(namespace, name!, patch ?? {});
      await recordApplied(cluster.api, patched, specHash(svc));
    };
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < keys.length; i = next++) await seedOne(keys[i]!);
      }),
    );
    if (process.env['LBCTL_BENCH_TRACE']) {
      const one = cluster.service(keys[0]!)!;
      out(
        `seeded: ${JSON.stringify(one.metadata)} ${JSON.stringify(one.status)} converged=${looksConverged(one, true)} hash=${specHash(one)}`,
      );
    }
    out(
      `seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s (${seedCalls.count()} calls, limits lifted)`,
    );

    // 2. Restart at AWS's published rates, with a new Service created at the same moment.
    const verified = { n: 0, firstAt: 0, lastAt: 0 };
    const metrics: ControllerMetrics = {
      ...noMetrics,
      reconciled: (result) => {
        // A verification that found the cloud as planned: `synced` when it also wrote the status
        // conditions the seeding left out (a Kubernetes write, no cloud write), else `unchanged`.
        if (result !== 'unchanged' && result !== 'synced') return;
        verified.n += 1;
        verified.lastAt = performance.now();
      },
    };
    const perWindow = new Map<string, number[]>();
    let firstWriteAt: number | undefined;
    let restartAt = 0;
    let newDoneAt: number | undefined = undefined;
    const onCall = (c: CallRecord) => {
      const t = performance.now();
      if (process.env['LBCTL_BENCH_TRACE'])
        out(
          `${((t - restartAt) / 1000).toFixed(2)} ${c.operation} ${c.apiClass} ${c.outcome} ${c.durationMs.toFixed(0)}ms`,
        );
      if (c.write && firstWriteAt === undefined) firstWriteAt = t;
      if (c.write || newDoneAt === undefined) return;
      // Reads after the new Service converged: verification only.
      const w = Math.floor((t - newDoneAt) / WINDOW_MS);
      const cls = c.apiClass ?? '?';
      const arr = perWindow.get(cls) ?? [];
      arr[w] = (arr[w] ?? 0) + 1;
      perWindow.set(cls, arr);
    };
    const restart = controllerOn({ verifyIntervalMs: intervalS * 1000, metrics, onCall });
    restartAt = performance.now();
    cluster.replay(); // the informers' initial list, as a restarted controller sees it
    await new Promise((r) => setImmediate(r)); // MemoryCluster delivers events after a microtask
    cluster.applyService(service('fresh', k + 1));
    restart.controller.markNodesSynced();
    restart.controller.start();
    // Bounded: with an observe that lists the account this can take minutes at K = 300.
    while (!converged('fresh') && performance.now() - restartAt < windowS * 1000) await sleep(20);
    if (!converged('fresh')) out(`the new Service had no address ${windowS} s after the restart`);
    newDoneAt = performance.now();
    const verifiedBefore = verified.n;
    const windowEnd = newDoneAt + windowS * 1000;
    while (performance.now() < windowEnd && verified.n - verifiedBefore < k) await sleep(100);
    const elapsedS = (performance.now() - newDoneAt) / 1000;
    const status = restart.controller.verifyStatus();
    if (process.env['LBCTL_BENCH_TRACE'])
      out(
        `budget state: ${JSON.stringify([...(restart.controller as unknown as { budget: { cost: Map<string, number>; samples: number } }).budget.cost])}`,
      );
    await restart.controller.stop();

    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    out(
      `new Service at restart: first cloud write after ${firstWriteAt === undefined ? 'none yet' : s(firstWriteAt - restartAt)} (target ≤ 5 s), address after ${converged('fresh') ? s(newDoneAt - restartAt) : 'none yet'}`,
    );
    out(
      `verification reads per second after that (${WINDOW_MS / 1000} s windows), budget ${share * 100} % of the client rate:`,
    );
    for (const [cls, arr] of [...perWindow].sort()) {
      const full = Array.from(
        { length: Math.max(1, Math.floor((elapsedS * 1000) / WINDOW_MS)) },
        (_, i) => arr[i] ?? 0,
      );
      const total = full.reduce((a, b) => a + b, 0);
      out(
        `  ${cls.padEnd(13)} mean ${(total / ((full.length * WINDOW_MS) / 1000)).toFixed(2)}/s, max ${(Math.max(...full) / (WINDOW_MS / 1000)).toFixed(2)}/s, budget ${(status.budget[cls] ?? 0).toFixed(2)}/s`,
      );
    }
    const done = verified.n - verifiedBefore;
    out(
      `Services verified in ${elapsedS.toFixed(0)} s: ${done} of ${k} (${(done / elapsedS).toFixed(2)}/s)`,
    );
    const round =
      done >= k
        ? `verification round completed in ${elapsedS.toFixed(1)} s (configured interval ${intervalS} s)`
        : done === 0
          ? `verification round: no verification completed in the window`
          : `verification round: projected ${(k / (done / elapsedS)).toFixed(0)} s at the measured rate`;
    out(
      `${round}; the controller's effective interval is ${status.intervalSeconds.toFixed(0)} s (configured ${intervalS} s)`,
    );
    out(`Services waiting for the budget at the end: ${status.waiting}`);
    direct.elb.destroy();
    direct.ec2.destroy();
  } finally {
    await moto.stop();
  }
}
