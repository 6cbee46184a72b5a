import type { Clock } from './clock.js';
import type { Priority } from './queue.js';
import type { Reason } from './reconcile.js';

/**
 * Keys put back on the work queue after a delay: the retry of a failed reconcile, or another
 * look while the cloud provisions. One timer per key; a new one replaces the pending one.
 */
export class Requeues {
  private readonly timers = new Map<string, () => void>();
  /** Keys whose last reconcile failed and whose retry is pending. */
  private readonly retrying = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly enqueue: (key: string, reason: Reason, priority: Priority) => void,
  ) {}

  after(key: string, reason: Reason, priority: Priority, ms: number): void {
    this.timers.get(key)?.();
    if (reason === 'retry') this.retrying.add(key);
    else this.retrying.delete(key);
    const cancel = this.clock.setTimer(() => {
      this.timers.delete(key);
      this.retrying.delete(key);
      this.enqueue(key, reason, priority);
    }, ms);
    this.timers.set(key, cancel);
  }

  isRetrying(key: string): boolean {
    return this.retrying.has(key);
  }

  cancel(key: string): void {
    this.timers.get(key)?.();
    this.timers.delete(key);
    this.retrying.delete(key);
  }

  /** Cancels every pending timer (the controller stops). */
  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }
}
