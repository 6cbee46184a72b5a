import type { Logger } from 'pino';
import { isLbctlError } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import type { ControllerMetrics } from '../observability/metrics.js';
import type { Backoff } from './backoff.js';
import { REASON, type EventRecorder } from './events.js';
import type { ClusterCache } from './informers.js';
import type { KubeApi } from './kube.js';
import { writeFailure } from './service-status.js';

export interface SyncFailureDeps {
  cache: ClusterCache;
  kube: Pick<KubeApi, 'patchServiceStatus'>;
  events: EventRecorder;
  backoff: Backoff;
  metrics: ControllerMetrics;
  /** The key's logger. */
  logger: Logger;
  now: () => number;
  /** Dry run: the failure is not written into the Service's status. */
  dryRun: boolean;
  /** Consecutive failures of a key after which they log at `error`; default 5. */
  errorAfterFailures?: number;
}

/**
 * After a failed reconcile of `key` (started at `startedMs`): counts it, logs it, and tells the
 * Service with a Warning Event and, unless this is a dry run, the failure in its status.
 * Returns the delay before the retry: the key's backoff, or the cloud's Retry-After if longer.
 */
export async function reportSyncFailure(
  deps: SyncFailureDeps,
  key: string,
  error: unknown,
  startedMs: number,
): Promise<number> {
  const { backoff, metrics, logger } = deps;
  const delay = Math.max(backoff.next(key), isLbctlError(error) ? (error.retryAfterMs ?? 0) : 0);
  const message = error instanceof Error ? error.message : String(error);
  metrics.reconciled('error', (deps.now() - startedMs) / 1000);
  metrics.queueRetried();
  // A first failure is often transient (a throttle, a conflict): warn; once retries pass the
  // threshold it needs a human, so it is an error.
  const failures = backoff.failures(key);
  const level = failures >= (deps.errorAfterFailures ?? 5) ? 'error' : 'warn';
  logger[level]({ err: message, failures, retryInMs: delay }, 'reconcile failed');
  const service = deps.cache.service(key);
  if (service !== undefined) {
    await deps.events.record(
      service as Service,
      'Warning',
      REASON.failed,
      `Error syncing load balancer: ${message}`,
    );
    if (!deps.dryRun) {
      await writeFailure({ kube: deps.kube, now: deps.now }, key, service as Service, error).catch(
        (err: unknown) => logger.warn({ err: String(err) }, 'could not write status'),
      );
    }
  }
  return delay;
}
