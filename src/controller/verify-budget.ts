import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallRecord } from '../core/provider.js';
import type { Clock } from './clock.js';

export interface VerifyBudgetOptions {
  /** The provider's client rate per API class, calls per second (Provider.clientRates). */
  rates: Readonly<Record<string, number>>;
  /** The share of each class's rate verification may use, in (0, 1]; lbctl's default is 0.2. */
  share: number;
  clock: Clock;
}

/**
 * How much cloud rate drift verification may spend: a token bucket per API class filled at
 * `share × rate`, holding one second of it or one verification's cost, whichever is more. A
 * verification is admitted when every class holds what a verification costs on average (learned from the calls it really made,
 * attributed through AsyncLocalStorage, so concurrent new-Service reconciles are never counted
 * against it), charged that estimate up front and corrected by its actual calls when it ends.
 * Calls are made only after their tokens accrued: over any window W, verification calls stay
 * within `share × rate × W` plus one bucket (one verification's cost).
 */
export class VerifyBudget {
  private readonly tokens = new Map<string, number>();
  private readonly cost = new Map<string, number>();
  private readonly usage = new AsyncLocalStorage<Map<string, number>>();
  private samples = 0;
  private at: number;

  constructor(private readonly o: VerifyBudgetOptions) {
    if (!(o.share > 0 && o.share <= 1)) {
      throw new TypeError(`share must be in (0, 1], got ${String(o.share)}`);
    }
    for (const [cls, rate] of Object.entries(o.rates)) {
      if (!(Number.isFinite(rate) && rate > 0)) {
        throw new TypeError(`rates.${cls} must be a positive number, got ${String(rate)}`);
      }
      this.tokens.set(cls, this.burst(cls));
    }
    this.at = o.clock.now();
  }

  /** Calls per second verification may make in each class. */
  rates(): Record<string, number> {
    return Object.fromEntries(Object.keys(this.o.rates).map((c) => [c, this.rateOf(c)]));
  }

  /** Whether at least one verification has been measured (before that, admit one at a time). */
  calibrated(): boolean {
    return this.samples > 0;
  }

  /** Milliseconds until a verification fits the budget; 0 when it fits now. */
  waitMs(): number {
    this.refill();
    let wait = 0;
    for (const [cls, tokens] of this.tokens) {
      // The whole cost must have accrued before the calls are made (the bucket can hold it).
      const need = this.cost.get(cls) ?? 0;
      if (tokens < need) wait = Math.max(wait, ((need - tokens) / this.rateOf(cls)) * 1000);
    }
    return Math.ceil(wait);
  }

  /** Runs one verification against the budget (see the class comment). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.refill();
    const estimate = new Map(this.cost);
    for (const [cls, n] of estimate) this.add(cls, -n);
    const used = new Map<string, number>();
    try {
      return await this.usage.run(used, fn);
    } finally {
      this.refill();
      for (const cls of this.tokens.keys()) {
        const actual = used.get(cls) ?? 0;
        this.add(cls, (estimate.get(cls) ?? 0) - actual);
        const before = this.cost.get(cls);
        // A moving average: a few drifted (costlier) Services do not stall everyone's turn.
        this.cost.set(cls, before === undefined ? actual : 0.8 * before + 0.2 * actual);
      }
      this.samples += 1;
    }
  }

  /** The CallLog listener: charges a call to the verification it was made for, if any. */
  record(call: CallRecord): void {
    const used = this.usage.getStore();
    if (used === undefined || call.apiClass === undefined) return;
    used.set(call.apiClass, (used.get(call.apiClass) ?? 0) + 1);
  }

  /** The shortest time in which `n` verifications fit the budget, ms (0 before calibration). */
  roundMs(n: number): number {
    let ms = 0;
    for (const [cls, c] of this.cost) ms = Math.max(ms, ((n * c) / this.rateOf(cls)) * 1000);
    return ms;
  }

  private rateOf(cls: string): number {
    return this.o.share * (this.o.rates[cls] ?? 0);
  }

  /** One second of the budget, or one verification's cost when that is more. */
  private burst(cls: string): number {
    return Math.max(1, this.rateOf(cls), this.cost.get(cls) ?? 0);
  }

  private add(cls: string, n: number): void {
    if (!this.tokens.has(cls)) return;
    this.tokens.set(cls, Math.min(this.burst(cls), (this.tokens.get(cls) ?? 0) + n));
  }

  private refill(): void {
    const now = this.o.clock.now();
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.at = now;
    for (const cls of this.tokens.keys()) this.add(cls, elapsed * this.rateOf(cls));
  }
}
