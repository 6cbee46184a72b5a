import type { Logger } from 'pino';
import type { Node, Service } from '../core/k8s.js';
import type { CallRecord, Provider } from '../core/provider.js';
import { wantsLoadBalancer } from '../intent/index.js';
import { noMetrics, type ControllerMetrics } from '../observability/metrics.js';
import { looksConverged, specFingerprint, type AppliedState } from './applied.js';
import { createBackoff, type Backoff } from './backoff.js';
import type { Clock } from './clock.js';
import type { EventRecorder } from './events.js';
import { hasFinalizer } from './finalizer.js';
import { serviceKey, type ClusterCache, type WatchEvent } from './informers.js';
import type { KubeApi } from './kube.js';
import { nodeFingerprint } from './node-fingerprint.js';
import type { ControllerPolicy } from './policy.js';
import { WorkQueue, type Priority } from './queue.js';
import type { Reason } from './reconcile.js';
import { Requeues } from './requeues.js';
import { syncKey, type SyncDeps } from './sync.js';
import { Verification } from './verification.js';

export interface ControllerOptions {
  cache: ClusterCache;
  kube: Pick<KubeApi, 'getService' | 'updateService' | 'patchServiceStatus'>;
  events: EventRecorder;
  provider: Provider;
  clusterName: string;
  loadBalancerClass?: string;
  /** Parallel reconciles (different keys); default 4. */
  workers?: number;
  clock: Clock;
  random?: () => number;
  logger: Logger;
  metrics?: ControllerMetrics;
  /**
   * Periodic drift verification of each load balancer; default 10 minutes, ±10 % jitter. 0
   * disables it. The effective interval stretches when the Services outnumber the budget.
   */
  verifyIntervalMs?: number;
  /** Consecutive failures of a key after which its reconcile failures log at `error`; default 5. */
  errorAfterFailures?: number;
  /** The share of each API class's client rate (Provider.clientRates) verification may use; default 0.2. */
  verifyBudget?: number;
  /** Requeue while the cloud has not given an address yet; default 15 s. */
  provisioningRequeueMs?: number;
  backoff?: Backoff;
  /** Dry run, drift reporting, replacement policy (src/controller/policy.ts). */
  policy?: ControllerPolicy;
}

/**
 * The service load balancer controller: informer events become queue keys, workers reconcile
 * them. It only reads until `start` (called when this replica becomes the leader); before that
 * the queue just collects keys, so a new leader begins with a warm cache.
 */
export class Controller {
  readonly queue: WorkQueue;
  private readonly reasons = new Map<string, Set<Reason>>();
  private readonly fingerprints = new Map<string, string>();
  private readonly nodeStates = new Map<string, string>();
  private readonly applied = new Map<string, AppliedState>();
  private readonly requeues: Requeues;
  private readonly backoff: Backoff;
  private readonly metrics: ControllerMetrics;
  private readonly verification: Verification;
  private readonly sync: SyncDeps;
  private workers: Promise<void>[] = [];
  private readonly abort = new AbortController();
  private nodesSynced = false;
  private inFlight = 0;
  private highInFlight = 0;
  /** When each reconcile in flight started, for the unfinished-work metrics. */
  private readonly startedAt = new Map<string, number>();

  constructor(private readonly o: ControllerOptions) {
    this.metrics = o.metrics ?? noMetrics;
    this.queue = new WorkQueue(o.clock, () => this.metrics.queueAdded());
    this.backoff = o.backoff ?? createBackoff();
    this.requeues = new Requeues(o.clock, (key, reason, priority) =>
      this.enqueue(key, reason, priority),
    );
    this.verification = new Verification({
      clock: o.clock,
      rates: o.provider.clientRates,
      ...(o.verifyBudget === undefined ? {} : { share: o.verifyBudget }),
      ...(o.verifyIntervalMs === undefined ? {} : { intervalMs: o.verifyIntervalMs }),
      workers: o.workers ?? 4,
      random: o.random ?? Math.random,
      inFlight: () => this.inFlight,
      admit: (key) => this.enqueue(key, 'verify', 'low'),
      // New and changed Services first, also at the cloud's rate limiter.
      // Not before the workers start: the first keys they take must be the new and changed ones.
      idle: () =>
        this.workers.length > 0 && this.highInFlight === 0 && !this.queue.hasWaiting('high'),
    });
    this.sync = {
      ...o,
      metrics: this.metrics,
      applied: this.applied,
      backoff: this.backoff,
      verification: this.verification,
      requeues: this.requeues,
      signal: this.abort.signal,
    };
  }

  /** The CallLog listener (createCallLog's onRecord): charges verification calls to the budget. */
  recordCloudCall(call: CallRecord): void {
    this.verification.recordCall(call);
  }

  /**
   * The verification interval in effect: the configured one, or longer when one round of every
   * managed Service does not fit the budget in it.
   */
  verifyIntervalMs(): number {
    return this.verification.intervalMs();
  }

  /** Seconds each reconcile in flight has been running (workqueue_unfinished_work_seconds). */
  processingSeconds(): number[] {
    const now = this.o.clock.now();
    return [...this.startedAt.values()].map((t) => (now - t) / 1000);
  }

  /** For the metrics: the effective interval, keys waiting for the budget, the budget per class. */
  verifyStatus(): { intervalSeconds: number; waiting: number; budget: Record<string, number> } {
    return this.verification.status();
  }

  /** Informer callback for Services. Status-only and finalizer-only updates are ignored. */
  onService(event: WatchEvent, service: Readonly<Service>): void {
    const key = serviceKey(service);
    if (event === 'delete') {
      this.fingerprints.delete(key);
      this.verification.cancel(key);
      this.enqueue(key, 'service', 'high');
      return;
    }
    const fp = specFingerprint(service);
    if (this.fingerprints.get(key) === fp) return;
    const known = this.fingerprints.has(key);
    this.fingerprints.set(key, fp);
    // On a (re)start, a Service converged to exactly its current spec is verified at a random
    // time within the interval (through the budget); new and changed ones are reconciled first.
    if (!known && looksConverged(service, hasFinalizer(service))) {
      if (!this.verification.spread(key)) this.enqueue(key, 'verify', 'low');
      return;
    }
    this.enqueue(key, 'service', 'high');
  }

  /**
   * Informer callback for Nodes. Only an added or removed node, or a change of what makes it a
   * target (eligibility, providerID, addresses, zone), matters; it requeues the load-balanced
   * Services as node deltas. Readiness and everything else a kubelet updates every few seconds
   * is ignored.
   */
  onNode(event: WatchEvent, node: Readonly<Node>): void {
    const name = node.metadata.name;
    const before = this.nodeStates.get(name);
    const after = event === 'delete' ? undefined : nodeFingerprint(node);
    if (before === after) return;
    if (after === undefined) this.nodeStates.delete(name);
    else this.nodeStates.set(name, after);
    // During the initial list every node is new; the Services' own first reconcile covers them.
    if (!this.nodesSynced) return;
    const classOption =
      this.o.loadBalancerClass === undefined ? {} : { loadBalancerClass: this.o.loadBalancerClass };
    for (const s of this.o.cache.services()) {
      if (
        s.metadata.deletionTimestamp === undefined &&
        wantsLoadBalancer(s as Service, classOption)
      ) {
        // With what was last applied known, a node delta costs no cloud read: at once. Without
        // it (not verified since a restart) it is a full observe: after new and changed ones.
        const key = serviceKey(s);
        this.enqueue(key, 'nodes', this.applied.has(key) ? 'high' : 'low');
      }
    }
  }

  /** Call once the node informer has listed: later node events are deltas. */
  markNodesSynced(): void {
    this.nodesSynced = true;
  }

  /** True when no key is queued or being reconciled (timers for later keys aside). */
  isIdle(): boolean {
    const d = this.queue.depth();
    return this.inFlight === 0 && d.high === 0 && d.low === 0;
  }

  /**
   * Whether a reconcile of this key is queued, in flight, or due soon (a retry or provisioning
   * requeue): the ownership sweep leaves such a Service to its reconcile.
   */
  isBusy(key: string): boolean {
    return this.queue.has(key) || this.reasons.has(key) || this.requeues.isRetrying(key);
  }

  /** Starts the workers (this replica leads). */
  start(): void {
    const n = this.o.workers ?? 4;
    if (!Number.isInteger(n) || n < 1)
      throw new TypeError(`workers must be an integer >= 1, got ${n}`);
    for (let i = 0; i < n; i++) this.workers.push(this.work());
    this.verification.poke();
  }

  /** Stops taking keys and waits for reconciles in flight to finish. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.verification.stop();
    this.queue.shutDown();
    this.requeues.stop();
    await Promise.all(this.workers);
    this.workers = [];
  }

  private enqueue(key: string, reason: Reason, priority: Priority): void {
    let set = this.reasons.get(key);
    if (set === undefined) this.reasons.set(key, (set = new Set()));
    set.add(reason);
    this.queue.add(key, priority);
  }

  private async work(): Promise<void> {
    for (let item = await this.queue.get(); item !== undefined; item = await this.queue.get()) {
      const { key } = item;
      const reasons = this.reasons.get(key) ?? new Set<Reason>(['service']);
      this.reasons.delete(key);
      this.metrics.dequeued(item.priority, item.waitedMs / 1000);
      this.inFlight++;
      if (item.priority === 'high') this.highInFlight++;
      const started = this.o.clock.now();
      this.startedAt.set(key, started);
      try {
        await syncKey(this.sync, key, reasons);
      } finally {
        this.startedAt.delete(key);
        this.metrics.workDone((this.o.clock.now() - started) / 1000);
        this.inFlight--;
        if (item.priority === 'high') this.highInFlight--;
        this.queue.done(key);
        this.verification.done(key);
      }
    }
  }
}
