import type { Logger } from 'pino';
import { isLbctlError } from '../core/errors.js';
import type { Node, Service } from '../core/k8s.js';
import type { CallRecord, Provider } from '../core/provider.js';
import { isEligibleNode, wantsLoadBalancer } from '../intent/index.js';
import { noMetrics, type ControllerMetrics } from '../observability/metrics.js';
import { looksConverged, specFingerprint, type AppliedState } from './applied.js';
import { createBackoff, type Backoff } from './backoff.js';
import type { Clock } from './clock.js';
import { REASON, type EventRecorder } from './events.js';
import { hasFinalizer } from './finalizer.js';
import { serviceKey, type ClusterCache, type WatchEvent } from './informers.js';
import type { KubeApi } from './kube.js';
import { WorkQueue, type Priority } from './queue.js';
import type { ControllerPolicy } from './policy.js';
import { reconcile, type Reason } from './reconcile.js';
import { writeFailure } from './service-status.js';
import { VerifyBudget } from './verify-budget.js';
import { VerifyScheduler } from './verify-schedule.js';

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
  private readonly timers = new Map<string, () => void>();
  /** Keys whose last reconcile failed or is still provisioning (a `retry` timer is pending). */
  private readonly retrying = new Set<string>();
  private readonly backoff: Backoff;
  private readonly metrics: ControllerMetrics;
  private readonly random: () => number;
  private readonly budget: VerifyBudget | undefined;
  private readonly verifier: VerifyScheduler;
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
    this.random = o.random ?? Math.random;
    const rates = o.provider.clientRates;
    this.budget =
      rates === undefined || Object.keys(rates).length === 0
        ? undefined
        : new VerifyBudget({ rates, share: o.verifyBudget ?? 0.2, clock: o.clock });
    this.verifier = new VerifyScheduler({
      clock: o.clock,
      ...(this.budget === undefined ? {} : { budget: this.budget }),
      maxInFlight: Math.max(1, Math.floor((o.workers ?? 4) / 2)),
      admit: (key) => this.enqueue(key, 'verify', 'low'),
      // New and changed Services first, also at the cloud's rate limiter.
      // Not before the workers start: the first keys they take must be the new and changed ones.
      idle: () =>
        this.workers.length > 0 && this.highInFlight === 0 && !this.queue.hasWaiting('high'),
    });
  }

  /** The CallLog listener (createCallLog's onRecord): charges verification calls to the budget. */
  recordCloudCall(call: CallRecord): void {
    this.budget?.record(call);
  }

  /**
   * The verification interval in effect: the configured one, or longer when one round of every
   * managed Service does not fit the budget in it.
   */
  verifyIntervalMs(): number {
    const configured = this.o.verifyIntervalMs ?? 600_000;
    if (configured <= 0) return 0;
    const managed = this.verifier.scheduled() + this.inFlight;
    return Math.max(configured, this.budget?.roundMs(managed) ?? 0);
  }

  /** Seconds each reconcile in flight has been running (workqueue_unfinished_work_seconds). */
  processingSeconds(): number[] {
    const now = this.o.clock.now();
    return [...this.startedAt.values()].map((t) => (now - t) / 1000);
  }

  /** For the metrics: the effective interval, keys waiting for the budget, the budget per class. */
  verifyStatus(): { intervalSeconds: number; waiting: number; budget: Record<string, number> } {
    return {
      intervalSeconds: this.verifyIntervalMs() / 1000,
      waiting: this.verifier.waiting(),
      budget: this.budget?.rates() ?? {},
    };
  }

  /** Informer callback for Services. Status-only and finalizer-only updates are ignored. */
  onService(event: WatchEvent, service: Readonly<Service>): void {
    const key = serviceKey(service);
    if (event === 'delete') {
      this.fingerprints.delete(key);
      this.verifier.cancel(key);
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
      const interval = this.verifyIntervalMs();
      if (interval > 0) this.verifier.schedule(key, this.random() * interval);
      else this.enqueue(key, 'verify', 'low');
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
    return this.queue.has(key) || this.reasons.has(key) || this.retrying.has(key);
  }

  /** Starts the workers (this replica leads). */
  start(): void {
    const n = this.o.workers ?? 4;
    if (!Number.isInteger(n) || n < 1)
      throw new TypeError(`workers must be an integer >= 1, got ${n}`);
    for (let i = 0; i < n; i++) this.workers.push(this.work());
    this.verifier.poke();
  }

  /** Stops taking keys and waits for reconciles in flight to finish. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.verifier.stop();
    this.queue.shutDown();
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    await Promise.all(this.workers);
    this.workers = [];
  }

  private enqueue(key: string, reason: Reason, priority: Priority): void {
    let set = this.reasons.get(key);
    if (set === undefined) this.reasons.set(key, (set = new Set()));
    set.add(reason);
    this.queue.add(key, priority);
  }

  private enqueueAfter(key: string, reason: Reason, priority: Priority, ms: number): void {
    this.timers.get(key)?.();
    if (reason === 'retry') this.retrying.add(key);
    else this.retrying.delete(key);
    const cancel = this.o.clock.setTimer(() => {
      this.timers.delete(key);
      this.retrying.delete(key);
      this.enqueue(key, reason, priority);
    }, ms);
    this.timers.set(key, cancel);
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
        await this.process(key, reasons);
      } finally {
        this.startedAt.delete(key);
        this.metrics.workDone((this.o.clock.now() - started) / 1000);
        this.inFlight--;
        if (item.priority === 'high') this.highInFlight--;
        this.queue.done(key);
        this.verifier.done(key);
        this.verifier.poke();
      }
    }
  }

  private async process(key: string, reasons: ReadonlySet<Reason>): Promise<void> {
    const logger = this.o.logger.child({ service: key });
    const started = this.o.clock.now();
    const { cache, kube, events, provider, clusterName, loadBalancerClass } = this.o;
    const run = <T>(fn: () => Promise<T>): Promise<T> =>
      this.budget !== undefined && this.verifier.isAdmitted(key) ? this.budget.run(fn) : fn();
    try {
      const outcome = await run(() =>
        reconcile(
          {
            cache,
            kube,
            events,
            provider,
            clusterName,
            applied: this.applied,
            logger,
            signal: this.abort.signal,
            now: () => this.o.clock.now(),
            pending: (k, counts) => this.metrics.pendingChanges(k, counts),
            ...(this.o.policy === undefined ? {} : { policy: this.o.policy }),
            ...(loadBalancerClass === undefined ? {} : { loadBalancerClass }),
          },
          key,
          reasons,
        ),
      );
      this.backoff.forget(key);
      this.metrics.reconciled(outcome.result, (this.o.clock.now() - started) / 1000);
      logger.debug({ result: outcome.result, reasons: [...reasons] }, 'reconciled');
      if (outcome.result === 'synced' && outcome.ingress !== undefined) {
        // One line per Service whose address was (re)ensured: what an operator greps for.
        logger.info(
          { address: outcome.ingress.map((i) => i.hostname ?? i.ip).join(',') },
          'ensured load balancer',
        );
      }
      if (outcome.result === 'provisioning') {
        this.enqueueAfter(key, 'retry', 'high', this.o.provisioningRequeueMs ?? 15_000);
      } else if (outcome.managed) {
        this.scheduleVerify(key);
      } else {
        this.timers.get(key)?.();
        this.timers.delete(key);
        this.retrying.delete(key);
        this.verifier.cancel(key);
      }
    } catch (e) {
      if (this.abort.signal.aborted) return;
      const delay = Math.max(this.backoff.next(key), isLbctlError(e) ? (e.retryAfterMs ?? 0) : 0);
      const message = e instanceof Error ? e.message : String(e);
      this.metrics.reconciled('error', (this.o.clock.now() - started) / 1000);
      this.metrics.queueRetried();
      // A first failure is often transient (a throttle, a conflict): warn; once retries pass the
      // threshold it needs a human, so it is an error.
      const failures = this.backoff.failures(key);
      const level = failures >= (this.o.errorAfterFailures ?? 5) ? 'error' : 'warn';
      logger[level]({ err: message, failures, retryInMs: delay }, 'reconcile failed');
      const service = cache.service(key);
      if (service !== undefined) {
        await events.record(
          service as Service,
          'Warning',
          REASON.failed,
          `Error syncing load balancer: ${message}`,
        );
        if (this.o.policy?.dryRun !== true) {
          await writeFailure(
            { kube, now: () => this.o.clock.now() },
            key,
            service as Service,
            e,
          ).catch((err: unknown) => logger.warn({ err: String(err) }, 'could not write status'));
        }
      }
      this.enqueueAfter(key, 'retry', 'high', delay);
    }
  }

  private scheduleVerify(key: string): void {
    const interval = this.verifyIntervalMs();
    if (interval <= 0) return;
    this.verifier.schedule(key, interval * (0.9 + 0.2 * this.random()));
  }
}

/**
 * What a node contributes to target sets: eligibility and the fields of an intent Target. Some
 * providers target node addresses (Azure backend pools), not only provider IDs.
 */
export function nodeFingerprint(node: Readonly<Node>): string {
  const address = (type: string) =>
    node.status?.addresses?.find((a) => a.type === type)?.address ?? '';
  return JSON.stringify([
    isEligibleNode(node as Node),
    node.spec?.providerID ?? '',
    address('InternalIP'),
    address('ExternalIP'),
    node.metadata.labels?.['topology.kubernetes.io/zone'] ?? '',
  ]);
}
