import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallRecord } from '../core/provider.js';

/** What the controller reports; implemented with prom-client below, and a no-op for tools. */
export interface ControllerMetrics {
  reconciled(result: string, seconds: number): void;
  dequeued(priority: string, waitedSeconds: number): void;
  cloudCall(call: CallRecord): void;
  setLeader(leading: boolean): void;
  /** What the last ownership sweep found, by kind (gone, not-wanted, not-needed). */
  orphans(byKind: Readonly<Record<string, number>>): void;
  orphansDeleted(n: number): void;
}

export const noMetrics: ControllerMetrics = {
  reconciled: () => {},
  dequeued: () => {},
  cloudCall: () => {},
  setLeader: () => {},
  orphans: () => {},
  orphansDeleted: () => {},
};

/**
 * lbctl's Prometheus metrics. Names follow the Prometheus conventions (base units, `_total`
 * counters); queue depth is read from the queue at scrape time so it is never stale.
 */
export function createMetrics(options: {
  queueDepth: () => Record<string, number>;
  /** The verification schedule (Controller.verifyStatus), read at scrape time. */
  verify?: () => { intervalSeconds: number; waiting: number; budget: Record<string, number> };
  defaultMetrics?: boolean;
}): ControllerMetrics & { registry: Registry } {
  const registry = new Registry();
  if (options.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'lbctl_' });
  const reconciles = new Counter({
    name: 'lbctl_reconcile_total',
    help: 'Service reconciles by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const reconcileSeconds = new Histogram({
    name: 'lbctl_reconcile_duration_seconds',
    help: 'Duration of one Service reconcile, by result',
    labelNames: ['result'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  new Gauge({
    name: 'lbctl_workqueue_depth',
    help: 'Service keys waiting in the work queue, by priority',
    labelNames: ['priority'],
    registers: [registry],
    collect() {
      for (const [priority, n] of Object.entries(options.queueDepth())) this.set({ priority }, n);
    },
  });
  const queueLatency = new Histogram({
    name: 'lbctl_workqueue_queue_duration_seconds',
    help: 'How long a key waited in the queue before a worker took it, by priority',
    labelNames: ['priority'],
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const cloudCalls = new Counter({
    name: 'lbctl_cloud_calls_total',
    help: 'Cloud API calls by provider, operation and outcome',
    labelNames: ['provider', 'operation', 'outcome'],
    registers: [registry],
  });
  const cloudSeconds = new Histogram({
    name: 'lbctl_cloud_call_duration_seconds',
    help: 'Cloud API call durations by provider and operation',
    labelNames: ['provider', 'operation'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const throttles = new Counter({
    name: 'lbctl_cloud_throttles_total',
    help: 'Cloud API calls refused by the cloud rate limit, by provider and operation',
    labelNames: ['provider', 'operation'],
    registers: [registry],
  });
  const leader = new Gauge({
    name: 'lbctl_leader',
    help: '1 while this replica holds the leader lease',
    registers: [registry],
  });
  const verify = options.verify;
  if (verify !== undefined) {
    new Gauge({
      name: 'lbctl_verify_interval_seconds',
      help: 'Effective drift verification interval: the configured one, stretched when the Services outnumber the verification budget',
      registers: [registry],
      collect() {
        this.set(verify().intervalSeconds);
      },
    });
    new Gauge({
      name: 'lbctl_verify_waiting',
      help: 'Services whose verification is due but waits for the verification budget',
      registers: [registry],
      collect() {
        this.set(verify().waiting);
      },
    });
    new Gauge({
      name: 'lbctl_verify_budget_calls_per_second',
      help: 'Cloud calls per second drift verification may make, by API class (--verify-budget of the client rate)',
      labelNames: ['api_class'],
      registers: [registry],
      collect() {
        for (const [api_class, rate] of Object.entries(verify().budget))
          this.set({ api_class }, rate);
      },
    });
  }
  const orphaned = new Gauge({
    name: 'lbctl_orphaned_resources',
    help: 'Cloud resources tagged for this cluster that no live Service wants, as of the last ownership sweep, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const orphansDeleted = new Counter({
    name: 'lbctl_orphaned_resources_deleted_total',
    help: 'Orphaned cloud resources the ownership sweep deleted (--orphan-sweep=delete)',
    registers: [registry],
  });
  return {
    registry,
    orphans(byKind) {
      for (const [kind, n] of Object.entries(byKind)) orphaned.set({ kind }, n);
    },
    orphansDeleted(n) {
      orphansDeleted.inc(n);
    },
    reconciled(result, seconds) {
      reconciles.inc({ result });
      reconcileSeconds.observe({ result }, seconds);
    },
    dequeued(priority, waitedSeconds) {
      queueLatency.observe({ priority }, waitedSeconds);
    },
    cloudCall(call) {
      cloudCalls.inc({ provider: call.provider, operation: call.operation, outcome: call.outcome });
      cloudSeconds.observe(
        { provider: call.provider, operation: call.operation },
        call.durationMs / 1000,
      );
      if (call.outcome === 'throttled')
        throttles.inc({ provider: call.provider, operation: call.operation });
    },
    setLeader(leading) {
      leader.set(leading ? 1 : 0);
    },
  };
}
