import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallRecord } from '../core/provider.js';

/** What the controller reports; implemented with prom-client below, and a no-op for tools. */
export interface ControllerMetrics {
  reconciled(result: string, seconds: number): void;
  dequeued(priority: string, waitedSeconds: number): void;
  cloudCall(call: CallRecord): void;
  setLeader(leading: boolean): void;
  /** Dry run: a Service's pending changes by action (undefined: the Service is gone). */
  pendingChanges(key: string, counts: Readonly<Record<string, number>> | undefined): void;
  /** What the last ownership sweep found, by kind (gone, not-wanted, not-needed). */
  orphans(byKind: Readonly<Record<string, number>>): void;
  orphansDeleted(n: number): void;
  /** A key became queued (client-go counts an add only when the key was not queued already). */
  queueAdded(): void;
  /** A failed key was queued again after its backoff. */
  queueRetried(): void;
  /** One reconcile's processing time. */
  workDone(seconds: number): void;
  /** One Kubernetes API request: HTTP method and status code (`<error>` when none came back). */
  restRequest(method: string, code: string): void;
}

export const noMetrics: ControllerMetrics = {
  reconciled: () => {},
  dequeued: () => {},
  cloudCall: () => {},
  setLeader: () => {},
  pendingChanges: () => {},
  orphans: () => {},
  orphansDeleted: () => {},
  queueAdded: () => {},
  queueRetried: () => {},
  workDone: () => {},
  restRequest: () => {},
};

/** The workqueue name of controller-runtime's and client-go's metrics. */
const QUEUE = 'service';

/**
 * lbctl's Prometheus metrics. Names follow the Prometheus conventions (base units, `_total`
 * counters); queue depth is read from the queue at scrape time so it is never stale.
 */
export function createMetrics(options: {
  queueDepth: () => Record<string, number>;
  /** Reconciles in flight: seconds since each started (Controller.processingSeconds), at scrape time. */
  inFlight?: () => readonly number[];
  /** The Lease name, for leader_election_master_status{name}. */
  leaseName?: string;
  /** The verification schedule (Controller.verifyStatus), read at scrape time. */
  verify?: () => { intervalSeconds: number; waiting: number; budget: Record<string, number> };
  defaultMetrics?: boolean;
}): ControllerMetrics & { registry: Registry } {
  const registry = new Registry();
  // Unprefixed, as every Go and Node exporter names them: dashboards query process_cpu_seconds_total.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
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
  const pending = new Map<string, Readonly<Record<string, number>>>();
  new Gauge({
    name: 'lbctl_pending_changes',
    help: 'Changes the dry-run controller (lbctl run --dry-run) would make, summed over Services, by action',
    labelNames: ['action'],
    registers: [registry],
    collect() {
      const sums: Record<string, number> = { create: 0, update: 0, replace: 0, delete: 0 };
      for (const counts of pending.values()) {
        for (const [action, n] of Object.entries(counts)) sums[action] = (sums[action] ?? 0) + n;
      }
      for (const [action, n] of Object.entries(sums)) this.set({ action }, n);
    },
  });
  // client-go's workqueue metrics (k8s.io/client-go/util/workqueue, as controller-runtime
  // registers them), so the dashboards operators have for every controller work for lbctl.
  const adds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name'],
    registers: [registry],
  });
  new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames: ['name'],
    registers: [registry],
    collect() {
      const d = options.queueDepth();
      this.set(
        { name: QUEUE },
        Object.values(d).reduce((a, b) => a + b, 0),
      );
    },
  });
  const queueSeconds = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name'],
    buckets: [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000],
    registers: [registry],
  });
  const workSeconds = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name'],
    buckets: [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000],
    registers: [registry],
  });
  new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: 'How many seconds of work has been done that is in progress and has not been observed by work_duration. Large values indicate stuck threads',
    labelNames: ['name'],
    registers: [registry],
    collect() {
      this.set(
        { name: QUEUE },
        (options.inFlight?.() ?? []).reduce((a, b) => a + b, 0),
      );
    },
  });
  new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running',
    labelNames: ['name'],
    registers: [registry],
    collect() {
      this.set({ name: QUEUE }, Math.max(0, ...(options.inFlight?.() ?? [])));
    },
  });
  // Zero series from the start: `rate()` over a counter that appears late misses its first step.
  adds.inc({ name: QUEUE }, 0);
  retries.inc({ name: QUEUE }, 0);
  const rest = new Counter({
    name: 'rest_client_requests_total',
    help: 'Number of HTTP requests to the Kubernetes API, partitioned by status code and method',
    labelNames: ['code', 'method'],
    registers: [registry],
  });
  const master = new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
    labelNames: ['name'],
    registers: [registry],
  });
  master.set({ name: options.leaseName ?? 'lbctl' }, 0);
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
      queueSeconds.observe({ name: QUEUE }, waitedSeconds);
    },
    queueAdded() {
      adds.inc({ name: QUEUE });
    },
    queueRetried() {
      retries.inc({ name: QUEUE });
    },
    workDone(seconds) {
      workSeconds.observe({ name: QUEUE }, seconds);
    },
    restRequest(method, code) {
      rest.inc({ code, method });
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
      master.set({ name: options.leaseName ?? 'lbctl' }, leading ? 1 : 0);
    },
    pendingChanges(key, counts) {
      if (counts === undefined) pending.delete(key);
      else pending.set(key, counts);
    },
  };
}
