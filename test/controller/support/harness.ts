import { pino, type Logger } from 'pino';
import { createCallLog } from '../../../src/core/calls.js';
import { Controller } from '../../../src/controller/controller.js';
import { createEventRecorder } from '../../../src/controller/events.js';
import {
  LocalCloud,
  connectLocal,
  type LocalCloudOptions,
} from '../../../providers/local/index.js';
import type { ControllerPolicy } from '../../../src/controller/policy.js';
import type { Provider } from '../../../src/core/provider.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import type { ClassLimit } from '../../../providers/shared/index.js';
import { ManualClock, flush } from './clock.js';
import { MemoryCluster } from './memory-cluster.js';

/** A controller wired to a MemoryCluster and a LocalCloud, time under the test's control. */
export function harness(
  options: {
    cluster?: MemoryCluster;
    cloud?: LocalCloud;
    cloudOptions?: LocalCloudOptions;
    clock?: ManualClock;
    loadBalancerClass?: string;
    verifyIntervalMs?: number;
    workers?: number;
    policy?: ControllerPolicy;
    /** Adds to the provider (e.g. a refusedPorts), keeping its observe and execute. */
    wrap?: (p: Provider) => Provider;
    random?: () => number;
    /** The local provider's client rates (default 1,000/s): the verification budget is a share. */
    clientLimits?: Readonly<Record<'read' | 'write', ClassLimit>>;
    verifyBudget?: number;
    logger?: Logger;
  } = {},
) {
  const clock = options.clock ?? new ManualClock();
  const cluster = options.cluster ?? new MemoryCluster();
  const cloud = options.cloud ?? new LocalCloud(options.cloudOptions ?? {});
  const calls = createCallLog();
  // Cloud-call retries off: the controller's own backoff is what these tests exercise.
  const local = connectLocal(cloud, calls, {
    retry: { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 1 },
    now: () => clock.now(),
    sleep: (ms) => new Promise<void>((r) => clock.setTimer(r, ms)),
    ...(options.clientLimits === undefined ? {} : { clientLimits: options.clientLimits }),
  });
  const provider = options.wrap?.(local) ?? local;
  const metrics = createMetrics({ queueDepth: () => ({}), defaultMetrics: false });
  const controller = new Controller({
    cache: cluster,
    kube: cluster.api,
    events: createEventRecorder({ api: cluster.api, clock, instance: 'test' }),
    provider,
    clusterName: 'test',
    clock,
    random: options.random ?? (() => 0.5),
    ...(options.verifyBudget === undefined ? {} : { verifyBudget: options.verifyBudget }),
    logger: options.logger ?? pino({ level: 'silent' }),
    workers: options.workers ?? 4,
    verifyIntervalMs: options.verifyIntervalMs ?? 600_000,
    metrics,
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(options.loadBalancerClass === undefined
      ? {}
      : { loadBalancerClass: options.loadBalancerClass }),
  });
  calls.onRecord((call) => controller.recordCloudCall(call));
  cluster.onService((e, s) => controller.onService(e, s));
  cluster.onNode((e, n) => controller.onNode(e, n));
  return {
    clock,
    cluster,
    cloud,
    calls,
    controller,
    metrics,
    /** Starts workers after the initial state is in the cache, as startController does. */
    async start() {
      await flush();
      controller.markNodesSynced();
      controller.start();
      await this.settle();
    },
    /** Waits until nothing is queued or in flight. */
    async settle() {
      for (let i = 0; i < 200; i++) {
        await flush();
        if (controller.isIdle()) return;
      }
      throw new Error('controller did not settle');
    },
    writes: () => calls.count({ write: true }),
    reads: () => calls.count({ write: false }),
    ops: () => calls.calls.map((c) => c.operation),
  };
}
