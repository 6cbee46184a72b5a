import type { Clock } from './clock.js';
import type { VerifyBudget } from './verify-budget.js';

export interface VerifySchedulerOptions {
  clock: Clock;
  /** Absent: no budget (the provider declares no client rates); keys are admitted when due. */
  budget?: VerifyBudget;
  /** Verifications admitted and not yet done at once, so that workers stay free for changes. */
  maxInFlight: number;
  /** Puts an admitted key on the work queue (low priority). */
  admit: (key: string) => void;
  /**
   * False while higher-priority work (new and changed Services) is queued or running: a
   * verification admitted then would compete with it for the same client rate. `poke` when it
   * may have become true.
   */
  idle?: () => boolean;
}

/**
 * When each Service's next drift verification is due, and the gate between that and the work
 * queue: a due key is admitted only while fewer than `maxInFlight` verifications run and the
 * budget has room. Keys that are due but wait are how the round stretches when Services
 * outnumber the budget; they never block a worker, so new and changed Services go first.
 */
export class VerifyScheduler {
  private readonly due = new Map<string, number>();
  private readonly heap: { key: string; at: number }[] = [];
  private readonly admitted = new Set<string>();
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;
  private stopped = false;

  constructor(private readonly o: VerifySchedulerOptions) {
    if (!Number.isInteger(o.maxInFlight) || o.maxInFlight < 1) {
      throw new TypeError(`maxInFlight must be an integer >= 1, got ${String(o.maxInFlight)}`);
    }
  }

  /** (Re)schedules `key` `delayMs` from now. */
  schedule(key: string, delayMs: number): void {
    if (this.stopped) return;
    const at = this.o.clock.now() + Math.max(0, delayMs);
    this.due.set(key, at);
    push(this.heap, { key, at });
    this.pump();
  }

  cancel(key: string): void {
    this.due.delete(key);
  }

  /** Whether this key was admitted by the scheduler and has not been reported done. */
  isAdmitted(key: string): boolean {
    return this.admitted.has(key);
  }

  /** A reconcile of `key` ended; frees its slot when it was an admitted verification. */
  done(key: string): void {
    if (this.admitted.delete(key)) this.pump();
  }

  /** Higher-priority work may have ended: admit what is due. */
  poke(): void {
    this.pump();
  }

  /** Keys whose verification time has come but that wait for the budget or a slot. */
  waiting(): number {
    const now = this.o.clock.now();
    let n = 0;
    for (const at of this.due.values()) if (at <= now) n++;
    return n;
  }

  scheduled(): number {
    return this.due.size;
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private pump(): void {
    if (this.stopped) return;
    for (;;) {
      const next = this.peek();
      if (next === undefined) return;
      const now = this.o.clock.now();
      if (next.at > now) return this.wake(next.at - now);
      // Due again while its verification still runs: `done` pumps once it ends.
      if (this.admitted.has(next.key) || this.admitted.size >= this.maxInFlight()) return;
      if (this.o.idle !== undefined && !this.o.idle()) return;
      const wait = this.o.budget?.waitMs() ?? 0;
      if (wait > 0) return this.wake(wait);
      pop(this.heap);
      this.due.delete(next.key);
      this.admitted.add(next.key);
      this.o.admit(next.key);
    }
  }

  /** Until the budget has measured one verification, one at a time. */
  private maxInFlight(): number {
    return this.o.budget === undefined || this.o.budget.calibrated() ? this.o.maxInFlight : 1;
  }

  /** The earliest entry that is still current (entries of rescheduled or cancelled keys are dropped). */
  private peek(): { key: string; at: number } | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (this.due.get(top.key) === top.at) return top;
      pop(this.heap);
    }
    return undefined;
  }

  private wake(ms: number): void {
    const at = this.o.clock.now() + ms;
    if (this.cancelTimer !== undefined && this.timerAt <= at) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.o.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, ms);
  }
}

// A binary min-heap on `at`.
function push(h: { key: string; at: number }[], e: { key: string; at: number }): void {
  h.push(e);
  for (let i = h.length - 1; i > 0;) {
    const p = (i - 1) >> 1;
    if (h[p]!.at <= h[i]!.at) break;
    [h[p], h[i]] = [h[i]!, h[p]!];
    i = p;
  }
}

function pop(h: { key: string; at: number }[]): void {
  const last = h.pop();
  if (h.length === 0 || last === undefined) return;
  h[0] = last;
  for (let i = 0; ;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && h[l]!.at < h[m]!.at) m = l;
    if (r < h.length && h[r]!.at < h[m]!.at) m = r;
    if (m === i) break;
    [h[m], h[i]] = [h[i]!, h[m]!];
    i = m;
  }
}
