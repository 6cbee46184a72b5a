import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { CallRecord, Provider } from '../core/provider.js';
import { createMetrics } from '../observability/metrics.js';
import { startOpsServers } from '../observability/server.js';
import { systemClock, type Clock } from './clock.js';
import { Controller } from './controller.js';
import { createEventRecorder } from './events.js';
import { startInformers } from './informers.js';
import { createKubeApi } from './kube.js';
import { LeaderElector } from './leader.js';
import { LeaderHealth } from './leader-health.js';
import { codeOf, instrumentKubeApi } from './kube-metrics.js';
import { OrphanSweeper } from './sweep.js';
import { clusterReadError } from '../k8s/cluster-errors.js';

export interface StartOptions {
  config: Config;
  kc: KubeConfig;
  /** A connected provider; its CallLog feeds the cloud-call metrics through `onCloudCall`. */
  provider: Provider;
  /** Registers a listener for every cloud call (createCallLog's onRecord). */
  onCloudCall?: (listener: (call: CallRecord) => void) => void;
  logger: Logger;
  clock?: Clock;
  identity?: string;
}

export interface RunningController {
  controller: Controller;
  /** Where /metrics is served, or else the probes ('' when both are disabled). */
  opsUrl: string;
  /** Where /metrics is served, unless --metrics-bind-address=0. */
  metricsUrl?: string;
  /** Where /healthz and /readyz are served, unless --health-probe-bind-address=0. */
  healthUrl?: string;
  identity: string;
  isLeader(): boolean;
  /** Resolves when leadership is lost (the process should exit and restart, like client-go's). */
  lost: Promise<void>;
  /** Graceful shutdown: finish reconciles in flight, release the lease, stop watching. */
  stop(): Promise<void>;
  /**
   * Stops at once, as `kill -9` would for an in-process controller: no new keys, no lease
   * renewal or release, reconciles in flight abandoned. For crash tests.
   */
  kill(): Promise<void>;
}

/**
 * The composition of `lbctl run`: informers feed the controller on every replica; only the
 * leader's workers run, so only the leader writes to the cloud and the API server.
 */
export async function startController(o: StartOptions): Promise<RunningController> {
  const { config, logger } = o;
  const clock = o.clock ?? systemClock;
  const identity = o.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
  // The informers need the controller's callbacks and the controller needs their cache.
  const ref: { controller?: Controller } = {};
  const metrics = createMetrics({
    queueDepth: () => ref.controller?.queue.depth() ?? {},
    inFlight: () => ref.controller?.processingSeconds() ?? [],
    leaseName: config.leaderElectionName,
    verify: () => ref.controller?.verifyStatus() ?? { intervalSeconds: 0, waiting: 0, budget: {} },
  });
  const kube = instrumentKubeApi(createKubeApi(o.kc), (m, c) => metrics.restRequest(m, c));
  const events = createEventRecorder({
    api: kube,
    clock,
    instance: identity,
    onError: (e) => logger.warn({ err: String(e) }, 'could not write event'),
  });
  o.onCloudCall?.((call) => {
    metrics.cloudCall(call);
    ref.controller?.recordCloudCall(call);
  });
  const informers = startInformers({
    kc: o.kc,
    clock,
    onService: (e, s) => ref.controller?.onService(e, s),
    onNode: (e, n) => ref.controller?.onNode(e, n),
    // Before the first sync nothing can be reconciled: that is an error, with the reason.
    // In kubectl's words (a refused connection, 401, the Status message), not client-node's dump.
    onError: (what, e) => {
      const fields = { err: clusterReadError(e, o.kc, what).message, code: codeOf(e) };
      if (informers.isSynced()) logger.warn(fields, `${what} failed; retrying`);
      else
        logger.error(fields, `${what} failed: caches not synced, nothing is reconciled; retrying`);
    },
    onRequest: (m, c) => metrics.restRequest(m, c),
  });
  const c = new Controller({
    cache: informers.cache,
    kube,
    events,
    provider: o.provider,
    clusterName: config.clusterName,
    workers: config.workers,
    clock,
    logger,
    metrics,
    verifyIntervalMs: config.verifyIntervalSeconds * 1000,
    verifyBudget: config.verifyBudget,
    provisioningRequeueMs: config.provisioningRequeueSeconds * 1000,
    policy: {
      dryRun: config.dryRun,
      drift: config.drift,
      allowReplacement: config.allowReplacement,
    },
    ...(config.loadBalancerClass === undefined
      ? {}
      : { loadBalancerClass: config.loadBalancerClass }),
  });
  ref.controller = c;
  const sweeper = new OrphanSweeper({
    provider: o.provider,
    cache: informers.cache,
    clusterName: config.clusterName,
    ...(config.loadBalancerClass === undefined
      ? {}
      : { loadBalancerClass: config.loadBalancerClass }),
    mode: config.orphanSweep,
    intervalMs: config.orphanSweepInterval,
    isBusy: (key) => c.isBusy(key),
    clock,
    logger: logger.child({ component: 'orphan-sweep' }),
    metrics,
  });
  void informers.synced.then(() => {
    c.markNodesSynced();
    logger.info(
      { services: informers.cache.services().length, nodes: informers.cache.nodes().length },
      'caches synced',
    );
  });

  const leaderHealth = new LeaderHealth({
    logger,
    clock,
    namespace: config.leaderElectionNamespace,
    name: config.leaderElectionName,
  });
  const ops = await startOpsServers({
    metricsBindAddress: config.metricsBindAddress,
    ...(config.healthProbeBindAddress === undefined
      ? {}
      : { healthProbeBindAddress: config.healthProbeBindAddress }),
    registry: metrics.registry,
    ready: () => (informers.isSynced() ? leaderHealth.cannotLead() : 'caches not synced'),
  });

  let leading = false;
  let resolveLost: () => void = () => {};
  const lost = new Promise<void>((r) => (resolveLost = r));
  const lead = () => {
    leading = true;
    metrics.setLeader(true);
    logger.info({ identity }, 'leading: starting workers');
    void informers.synced.then(() => {
      if (!leading) return;
      c.start();
      sweeper.start();
    });
  };
  let elector: LeaderElector | undefined;
  if (config.leaderElect) {
    elector = new LeaderElector({
      api: kube,
      namespace: config.leaderElectionNamespace,
      // A dry-run replica must never take the lease from the controller that writes.
      name:
        config.dryRun && config.leaderElectionName === 'lbctl'
          ? 'lbctl-dry-run'
          : config.leaderElectionName,
      identity,
      clock,
      leaseDurationMs: config.leaseDurationSeconds * 1000,
      renewDeadlineMs: config.renewDeadlineSeconds * 1000,
      retryPeriodMs: config.retryPeriodSeconds * 1000,
      onStartedLeading: lead,
      onStoppedLeading: () => {
        if (!leading) return;
        leading = false;
        metrics.setLeader(false);
        logger.warn({ identity }, 'leadership lost: stopping workers');
        void Promise.all([c.stop(), sweeper.stop()]).then(resolveLost);
      },
      onError: (e) => leaderHealth.failed(e),
      onAttempt: () => leaderHealth.succeeded(),
    });
    void elector.run();
  } else {
    lead();
  }

  return {
    controller: c,
    opsUrl: ops.metricsUrl ?? ops.healthUrl ?? '',
    ...(ops.metricsUrl === undefined ? {} : { metricsUrl: ops.metricsUrl }),
    ...(ops.healthUrl === undefined ? {} : { healthUrl: ops.healthUrl }),
    identity,
    isLeader: () => leading,
    lost,
    async stop() {
      leading = false;
      await Promise.all([c.stop(), sweeper.stop()]);
      await elector?.stop();
      await informers.stop();
      await ops.close();
    },
    async kill() {
      leading = false;
      void c.stop();
      void sweeper.stop();
      elector?.abandon();
      await informers.stop();
      await ops.close();
    },
  };
}
