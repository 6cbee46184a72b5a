// Controller benchmark against the in-memory cloud (providers/local) with latency and
// token-bucket rate limits, and an in-process cluster (test/controller/support/memory-cluster).
// Prints: time and cloud calls to converge S Services × N nodes; calls and time for one node
// added to all of them; time to the first cloud call for a new Service during an S-Service
// restart; RSS. Sizes and limits from the environment:
//   LBCTL_BENCH_SERVICES (1000) LBCTL_BENCH_NODES (200) LBCTL_BENCH_WORKERS (8)
//   LBCTL_BENCH_LATENCY_MS (2) LBCTL_BENCH_READS_PER_SECOND (500)
//   LBCTL_BENCH_WRITES_PER_SECOND (500) LBCTL_BENCH_BURST (100)
import { pino } from 'pino';
import { systemClock } from '../../src/controller/clock.js';
import { Controller } from '../../src/controller/controller.js';
import { createEventRecorder } from '../../src/controller/events.js';
import { createCallLog } from '../../src/core/calls.js';
import { LocalCloud, connectLocal } from '../../providers/local/index.js';
import { lbService, node } from '../controller/support/fixtures.js';
import { MemoryCluster } from '../controller/support/memory-cluster.js';

const num = (name: string, def: number): number => {
  const v = process.env[name];
  return v === undefined || v === '' ? def : Number(v);
};

export default async function controllerBench(): Promise<void> {
  const services = num('LBCTL_BENCH_SERVICES', 1000);
  const nodes = num('LBCTL_BENCH_NODES', 200);
  const workers = num('LBCTL_BENCH_WORKERS', 8);
  const latencyMs = num('LBCTL_BENCH_LATENCY_MS', 2);
  const limits = {
    readsPerSecond: num('LBCTL_BENCH_READS_PER_SECOND', 500),
    writesPerSecond: num('LBCTL_BENCH_WRITES_PER_SECOND', 500),
    burst: num('LBCTL_BENCH_BURST', 100),
  };
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `controller: ${services} Services × ${nodes} nodes, ${workers} workers, cloud latency ${latencyMs} ms, ` +
      `limits ${limits.readsPerSecond} reads/s, ${limits.writesPerSecond} writes/s, burst ${limits.burst}`,
  );

  const cloud = new LocalCloud({ latencyMs, limits });
  const cluster = new MemoryCluster();
  for (let n = 1; n <= nodes; n++) cluster.setNode(node(`node-${n}`));
  for (let i = 1; i <= services; i++) cluster.applyService(lbService(`svc-${i}`, { index: i }));

  const start = (label: string) => {
    const calls = createCallLog();
    const controller = new Controller({
      cache: cluster,
      kube: cluster.api,
      events: createEventRecorder({ api: cluster.api, clock: systemClock, instance: label }),
      // The client-side limiter is set to the cloud's published limits, as an operator would.
      provider: connectLocal(cloud, calls, {
        clientLimits: {
          read: { rate: limits.readsPerSecond, burst: limits.burst },
          write: { rate: limits.writesPerSecond, burst: limits.burst },
        },
      }),
      clusterName: 'bench',
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      workers,
      verifyIntervalMs: 0,
    });
    cluster.onService((e, s) => controller.onService(e, s));
    cluster.onNode((e, n) => controller.onNode(e, n));
    return { controller, calls };
  };
  const until = async (done: () => boolean, what: string, limitMs = 600_000) => {
    const t0 = performance.now();
    while (!done()) {
      if (performance.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const converged = () =>
    cluster.services().every((s) => (s.status?.loadBalancer?.ingress?.length ?? 0) > 0);
  const describe = (calls: ReturnType<typeof createCallLog>) =>
    `${calls.count()} calls (${calls.count({ write: true })} writes, ${calls.count({ write: false })} reads, ` +
    `${calls.count({ outcome: 'throttled' })} throttled)`;

  // 1. Converge from nothing.
  const a = start('a');
  cluster.replay();
  await new Promise((r) => setImmediate(r));
  let t0 = performance.now();
  a.controller.markNodesSynced();
  a.controller.start();
  await until(() => converged() && a.controller.isIdle(), 'convergence');
  out(`converge: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${describe(a.calls)}`);

  // 2. One node added: every Service's target sets gain it.
  a.calls.reset();
  t0 = performance.now();
  cluster.setNode(node(`node-${nodes + 1}`));
  await new Promise((r) => setImmediate(r));
  await until(
    () =>
      a.controller.isIdle() &&
      a.calls.count({ operation: 'RegisterTargets', outcome: 'ok' }) >= services,
    'node delta',
  );
  out(`one node added: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${describe(a.calls)}`);
  await a.controller.stop();

  // 3. Restart with every Service converged, and one new Service created at the same moment.
  const b = start('b');
  let firstCreate = 0;
  let firstLookup = 0;
  cloud.beforeCall = (op) => {
    // During the restart only the new Service lacks a load balancer: it alone looks one up by
    // name (right after its tag query) and creates one.
    if (op === 'DescribeLoadBalancers' && firstLookup === 0) firstLookup = performance.now();
    if (op === 'CreateLoadBalancer' && firstCreate === 0) firstCreate = performance.now();
  };
  cluster.replay();
  await new Promise((r) => setImmediate(r));
  b.controller.markNodesSynced();
  t0 = performance.now();
  b.controller.start();
  cluster.applyService(lbService('new-service', { index: services + 1 }));
  await until(() => firstCreate > 0, 'first create of the new Service');
  out(
    `new Service during a ${services}-Service restart: its reads done by ${(firstLookup - t0).toFixed(1)} ms, ` +
      `first cloud write after ${(firstCreate - t0).toFixed(1)} ms`,
  );
  await until(() => converged() && b.controller.isIdle(), 'restart convergence');
  out(
    `restart verification: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${describe(b.calls)}; ` +
      `writes besides the new Service's: ${b.calls.count({ write: true }) - 3}`,
  );
  await b.controller.stop();
  const mem = process.memoryUsage();
  out(
    `memory: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
}
