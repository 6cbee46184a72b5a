import type { CallRecord, Provider } from '../core/provider.js';
import type { Clock } from './clock.js';
import { VerifyBudget } from './verify-budget.js';
import { VerifyScheduler } from './verify-schedule.js';

export interface VerificationOptions {
  clock: Clock;
  /** Provider.clientRates; none (or empty) means no budget: keys are admitted when due. */
  rates: Provider['clientRates'];
  /** The share of each API class's client rate verification may use; default 0.2. */
  share?: number;
  /** The configured interval; default 10 minutes. 0 or less disables verification. */
  intervalMs?: number;
  /** Parallel reconciles; verifications take at most half of them (at least one). */
  workers: number;
  random: () => number;
  /** Reconciles in flight: they count as managed Services when the interval is stretched. */
  inFlight: () => number;
  /** Puts an admitted key on the work queue. */
  admit: (key: string) => void;
  /** False while new and changed Services are queued or running (see VerifySchedulerOptions.idle). */
  idle: () => boolean;
}

/**
 * When each managed Service's load balancer is verified next, and at what cost: the interval
 * (stretched when one round of every Service does not fit the budget in it), its jitter, the
 * spread of a restart's converged Services over it, and the budget verification calls are
 * charged to.
 */
export class Verification {
  private readonly budget: VerifyBudget | undefined;
  private readonly scheduler: VerifyScheduler;

  constructor(private readonly o: VerificationOptions) {
    const rates = o.rates;
    this.budget =
      rates === undefined || Object.keys(rates).length === 0
        ? undefined
        : new VerifyBudget({ rates, share: o.share ?? 0.2, clock: o.clock });
    this.scheduler = new VerifyScheduler({
      clock: o.clock,
      ...(this.budget === undefined ? {} : { budget: this.budget }),
      maxInFlight: Math.max(1, Math.floor(o.workers / 2)),
      admit: o.admit,
      idle: o.idle,
    });
  }

  /** The CallLog listener: charges verification calls to the budget. */
  recordCall(call: CallRecord): void {
    this.budget?.record(call);
  }

  /** The interval in effect: the configured one, or longer when the budget needs it. */
  intervalMs(): number {
    const configured = this.o.intervalMs ?? 600_000;
    if (configured <= 0) return 0;
    const managed = this.scheduler.scheduled() + this.o.inFlight();
    return Math.max(configured, this.budget?.roundMs(managed) ?? 0);
  }

  /** For the metrics: the effective interval, keys waiting for the budget, the budget per class. */
  status(): { intervalSeconds: number; waiting: number; budget: Record<string, number> } {
    return {
      intervalSeconds: this.intervalMs() / 1000,
      waiting: this.scheduler.waiting(),
      budget: this.budget?.rates() ?? {},
    };
  }

  /**
   * A Service found converged on a (re)start: verified at a random time within the interval.
   * False when verification is disabled: the caller verifies it at once.
   */
  spread(key: string): boolean {
    const interval = this.intervalMs();
    if (interval <= 0) return false;
    this.scheduler.schedule(key, this.o.random() * interval);
    return true;
  }

  /** After a reconcile of a managed Service: the next verification, one interval ±10 % later. */
  next(key: string): void {
    const interval = this.intervalMs();
    if (interval <= 0) return;
    this.scheduler.schedule(key, interval * (0.9 + 0.2 * this.o.random()));
  }

  /** Runs a reconcile of `key`, charged to the budget when it is an admitted verification. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.budget !== undefined && this.scheduler.isAdmitted(key) ? this.budget.run(fn) : fn();
  }

  cancel(key: string): void {
    this.scheduler.cancel(key);
  }

  /** A reconcile of `key` ended: frees its slot, and admits what is due. */
  done(key: string): void {
    this.scheduler.done(key);
    this.scheduler.poke();
  }

  /** Higher-priority work may have ended: admit what is due. */
  poke(): void {
    this.scheduler.poke();
  }

  stop(): void {
    this.scheduler.stop();
  }
}
