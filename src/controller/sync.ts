import type { Logger } from 'pino';
import type { Provider } from '../core/provider.js';
import type { ControllerMetrics } from '../observability/metrics.js';
import type { AppliedState } from './applied.js';
import type { Backoff } from './backoff.js';
import type { Clock } from './clock.js';
import type { EventRecorder } from './events.js';
import type { ClusterCache } from './informers.js';
import type { KubeApi } from './kube.js';
import type { ControllerPolicy } from './policy.js';
import { reconcile, type Reason } from './reconcile.js';
import type { Requeues } from './requeues.js';
import { reportSyncFailure } from './sync-failure.js';
import type { Verification } from './verification.js';

/** What one key's sync needs: the controller's options and the state it keeps across keys. */
export interface SyncDeps {
  cache: ClusterCache;
  kube: Pick<KubeApi, 'getService' | 'updateService' | 'patchServiceStatus'>;
  events: EventRecorder;
  provider: Provider;
  clusterName: string;
  loadBalancerClass?: string;
  clock: Clock;
  logger: Logger;
  metrics: ControllerMetrics;
  policy?: ControllerPolicy;
  /** Requeue while the cloud has not given an address yet; default 15 s. */
  provisioningRequeueMs?: number;
  errorAfterFailures?: number;
  applied: Map<string, AppliedState>;
  backoff: Backoff;
  verification: Verification;
  requeues: Requeues;
  /** Aborted when the controller stops: a reconcile cut short then is not a failure. */
  signal: AbortSignal;
}

/**
 * One reconcile of `key` and what follows from it: still provisioning, look again soon; managed,
 * verify it one interval later; no longer managed, forget its timers; failed, report it and
 * retry after the backoff. Never throws for a failed reconcile.
 */
export async function syncKey(
  d: SyncDeps,
  key: string,
  reasons: ReadonlySet<Reason>,
): Promise<void> {
  const logger = d.logger.child({ service: key });
  const started = d.clock.now();
  const now = () => d.clock.now();
  try {
    const outcome = await d.verification.run(key, () =>
      reconcile(
        {
          cache: d.cache,
          kube: d.kube,
          events: d.events,
          provider: d.provider,
          clusterName: d.clusterName,
          applied: d.applied,
          logger,
          signal: d.signal,
          now,
          pending: (k, counts) => d.metrics.pendingChanges(k, counts),
          ...(d.policy === undefined ? {} : { policy: d.policy }),
          ...(d.loadBalancerClass === undefined ? {} : { loadBalancerClass: d.loadBalancerClass }),
        },
        key,
        reasons,
      ),
    );
    d.backoff.forget(key);
    d.metrics.reconciled(outcome.result, (now() - started) / 1000);
    logger.debug({ result: outcome.result, reasons: [...reasons] }, 'reconciled');
    if (outcome.result === 'synced' && outcome.ingress !== undefined) {
      // One line per Service whose address was (re)ensured: what an operator greps for.
      logger.info(
        { address: outcome.ingress.map((i) => i.hostname ?? i.ip).join(',') },
        'ensured load balancer',
      );
    }
    if (outcome.result === 'provisioning') {
      d.requeues.after(key, 'retry', 'high', d.provisioningRequeueMs ?? 15_000);
    } else if (outcome.managed) {
      d.verification.next(key);
    } else {
      d.requeues.cancel(key);
      d.verification.cancel(key);
    }
  } catch (e) {
    if (d.signal.aborted) return;
    const delay = await reportSyncFailure(
      {
        cache: d.cache,
        kube: d.kube,
        events: d.events,
        backoff: d.backoff,
        metrics: d.metrics,
        logger,
        now,
        dryRun: d.policy?.dryRun === true,
        ...(d.errorAfterFailures === undefined ? {} : { errorAfterFailures: d.errorAfterFailures }),
      },
      key,
      e,
      started,
    );
    d.requeues.after(key, 'retry', 'high', delay);
  }
}
