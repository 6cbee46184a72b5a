import type { Logger } from 'pino';
import { apply } from '../apply/index.js';
import { keyOf } from '../core/k8s.js';
import type { Provider } from '../core/provider.js';
import { addressOf } from '../core/resource.js';
import { noMetrics, type ControllerMetrics } from '../observability/metrics.js';
import { findOrphans, orphanResources, planOrphans, type Orphan } from '../plan/orphans.js';
import type { Clock } from './clock.js';
import type { ClusterCache } from './informers.js';
import { liveServices } from './live.js';

export type SweepMode = 'report' | 'delete';

export interface SweepOptions {
  provider: Provider;
  cache: ClusterCache;
  clusterName: string;
  loadBalancerClass?: string;
  mode: SweepMode;
  /** Time between sweeps (±10 % jitter); 0 disables the periodic sweep. */
  intervalMs: number;
  /** Delay of the first sweep after `start`, so a restart's own reconciles go first. */
  firstDelayMs?: number;
  /** Whether the work queue holds or is reconciling this key: its reconcile decides, not the sweep. */
  isBusy: (key: string) => boolean;
  clock: Clock;
  random?: () => number;
  logger: Logger;
  metrics?: ControllerMetrics;
}

export interface SweepResult {
  swept: number;
  orphans: Orphan[];
  deleted: number;
  /** Orphans left alone in delete mode because their Service was busy or came back. */
  skipped: number;
}

/**
 * The cluster-wide ownership sweep of the controller: one `provider.sweep` (the only call that
 * lists the whole account), then the live set from the informer cache of ALL Services, read
 * AFTER the sweep: a reconcile only creates resources for a Service that is already in the
 * cache, so whatever the sweep found for a Service created a moment ago is protected. In
 * `delete` mode a Service whose key is queued or in flight is skipped (its own reconcile is
 * working on it) and the live set is read once more right before each deletion.
 */
export class OrphanSweeper {
  private cancel: (() => void) | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private readonly random: () => number;
  private readonly metrics: ControllerMetrics;

  constructor(private readonly o: SweepOptions) {
    if (!Number.isFinite(o.intervalMs) || o.intervalMs < 0) {
      throw new TypeError(`intervalMs must be a number >= 0, got ${o.intervalMs}`);
    }
    this.random = o.random ?? Math.random;
    this.metrics = o.metrics ?? noMetrics;
  }

  start(): void {
    if (this.o.intervalMs === 0) return;
    this.stopped = false;
    this.schedule(this.o.firstDelayMs ?? Math.min(this.o.intervalMs, 600_000));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One sweep now; logs, counts and (in delete mode) deletes. Throws what the cloud threw. */
  async sweepOnce(signal?: AbortSignal): Promise<SweepResult> {
    const { provider, clusterName, logger } = this.o;
    const ctx = { clusterName, ...(signal === undefined ? {} : { signal }) };
    const started = this.o.clock.now();
    const swept = await provider.sweep(ctx);
    const orphans = findOrphans(swept, ...this.liveNow());
    this.metrics.orphans(countByKind(orphans));
    for (const o of orphans) {
      logger.warn(
        {
          service: keyOf(o.service),
          uid: o.service.uid,
          resource: addressOf(o.resource),
          id: o.resource.id,
          reason: o.reason,
          mode: this.o.mode,
        },
        this.o.mode === 'delete' ? 'orphaned cloud resource: deleting' : 'orphaned cloud resource',
      );
    }
    let deleted = 0;
    let skipped = 0;
    if (this.o.mode === 'delete') {
      for (const plan of planOrphans(orphans, provider)) {
        const key = keyOf(plan.service);
        // Re-check just before deleting: the Service may be back, or being reconciled now.
        const recheck = findOrphans(
          orphanResources(plan).map((resource) => ({ resource, service: plan.service })),
          ...this.liveNow(),
        );
        if (this.o.isBusy(key) || recheck.length < plan.order.length) {
          skipped += plan.order.length;
          continue;
        }
        await apply(plan, provider, { observed: orphanResources(plan), ctx });
        deleted += plan.order.length;
        this.metrics.orphansDeleted(plan.order.length);
      }
    }
    logger.info(
      {
        swept: swept.length,
        orphans: orphans.length,
        deleted,
        skipped,
        mode: this.o.mode,
        seconds: (this.o.clock.now() - started) / 1000,
      },
      'ownership sweep done',
    );
    return { swept: swept.length, orphans, deleted, skipped };
  }

  private liveNow() {
    const { live, notWanted, uidByKey } = liveServices({
      services: this.o.cache.services(),
      nodes: this.o.cache.nodes(),
      model: this.o.provider,
      clusterName: this.o.clusterName,
      ...(this.o.loadBalancerClass === undefined
        ? {}
        : { loadBalancerClass: this.o.loadBalancerClass }),
    });
    return [live, { notWanted, uidByKey }] as const;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.cancel = this.o.clock.setTimer(() => {
      this.cancel = undefined;
      this.running = this.sweepOnce()
        .catch((e: unknown) =>
          this.o.logger.error(
            { err: e instanceof Error ? e.message : String(e) },
            'ownership sweep failed; trying again at the next interval',
          ),
        )
        .finally(() => this.schedule(this.o.intervalMs * (0.9 + 0.2 * this.random())));
    }, ms);
  }
}

function countByKind(orphans: readonly Orphan[]): Record<Orphan['kind'], number> {
  const out = { gone: 0, 'not-wanted': 0, 'not-needed': 0 };
  for (const o of orphans) out[o.kind] += 1;
  return out;
}
