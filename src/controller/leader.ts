import { sleepOn, type Clock } from './clock.js';
import type { KubeApi, LeaseRecord } from './kube.js';

export interface LeaderElectionOptions {
  api: Pick<KubeApi, 'getLease' | 'createLease' | 'updateLease'>;
  namespace: string;
  name: string;
  /** Unique per replica: the pod name plus a random suffix, as client-go's callers use. */
  identity: string;
  /** client-go's defaults: 15 s, 10 s, 2 s. */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock: Clock;
  random?: () => number;
  onStartedLeading: () => void;
  /** Leadership lost (renewal failed for the whole renew deadline) or released on stop. */
  onStoppedLeading: () => void;
  onError?: (error: unknown) => void;
  /** An attempt read (or created) the Lease, whoever holds it. */
  onAttempt?: () => void;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, following client-go's leaderelection
 * package: a candidate takes the lease when it is free or when its holder has not renewed it
 * for `leaseDuration` as observed on the candidate's own clock (no clock skew between nodes
 * matters); the leader renews every `retryPeriod` and gives up when it could not renew within
 * `renewDeadline`; `stop` releases the lease so another replica takes over at once.
 */
export class LeaderElector {
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly random: () => number;
  private observed: LeaseRecord | undefined;
  private observedAt = 0;
  private leading = false;
  private readonly abort = new AbortController();

  constructor(private readonly o: LeaderElectionOptions) {
    this.leaseMs = o.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryMs = o.retryPeriodMs ?? 2_000;
    this.random = o.random ?? Math.random;
    if (!(this.leaseMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryMs * 1.2)) {
      throw new TypeError(
        `leader election needs leaseDuration > renewDeadline > 1.2 × retryPeriod, got ${this.leaseMs}, ${this.renewDeadlineMs}, ${this.retryMs} ms`,
      );
    }
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The identity of the current holder as last observed ('' when free or unknown). */
  holder(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /** Campaigns, then leads until stopped or until renewal fails; resolves when it is over. */
  async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted && !(await this.tryAcquireOrRenew())) {
      await sleepOn(this.o.clock, this.retryMs * (1 + this.random() * 1.2), signal);
    }
    if (signal.aborted) return;
    this.leading = true;
    this.o.onStartedLeading();
    while (!signal.aborted) {
      const deadline = this.o.clock.now() + this.renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted && this.o.clock.now() < deadline) {
        if (await this.tryAcquireOrRenew()) {
          renewed = true;
          break;
        }
        await sleepOn(this.o.clock, this.retryMs, signal);
      }
      if (!renewed || signal.aborted) break;
      await sleepOn(this.o.clock, this.retryMs, signal);
    }
    if (this.leading && !signal.aborted) {
      this.leading = false;
      this.o.onStoppedLeading();
    }
  }

  /** Stops campaigning and renewing without releasing the lease (a crash, for tests). */
  abandon(): void {
    this.leading = false;
    this.abort.abort();
  }

  /** Stops campaigning; a leader releases the lease (holder '', duration 1 s), like ReleaseOnCancel. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (!this.leading) return;
    this.leading = false;
    const now = this.o.clock.now();
    const current = this.observed;
    if (current !== undefined && current.holderIdentity === this.o.identity) {
      try {
        await this.o.api.updateLease({
          ...current,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTimeMs: now,
          renewTimeMs: now,
        });
      } catch (e) {
        this.o.onError?.(e);
      }
    }
    this.o.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { api, namespace, name, identity, clock } = this.o;
    const now = clock.now();
    const durationSeconds = Math.ceil(this.leaseMs / 1000);
    try {
      const existing = await api.getLease(namespace, name);
      if (existing === undefined) {
        const created = await api.createLease({
          namespace,
          name,
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          acquireTimeMs: now,
          renewTimeMs: now,
          leaseTransitions: 0,
        });
        this.o.onAttempt?.();
        this.remember(created, now);
        return true;
      }
      this.o.onAttempt?.();
      if (!sameRecord(existing, this.observed)) this.remember(existing, now);
      const heldByOther = existing.holderIdentity !== '' && existing.holderIdentity !== identity;
      if (heldByOther && this.observedAt + existing.leaseDurationSeconds * 1000 > now) return false;
      const mine = existing.holderIdentity === identity;
      this.remember(
        await api.updateLease({
          ...existing,
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          renewTimeMs: now,
          ...(mine ? {} : { acquireTimeMs: now, leaseTransitions: existing.leaseTransitions + 1 }),
        }),
        now,
      );
      return true;
    } catch (e) {
      this.o.onError?.(e);
      return false;
    }
  }

  private remember(record: LeaseRecord, at: number): void {
    this.observed = record;
    this.observedAt = at;
  }
}

const sameRecord = (a: LeaseRecord, b: LeaseRecord | undefined): boolean =>
  b !== undefined &&
  a.holderIdentity === b.holderIdentity &&
  a.renewTimeMs === b.renewTimeMs &&
  a.resourceVersion === b.resourceVersion;
