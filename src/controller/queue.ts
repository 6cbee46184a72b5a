import type { Clock } from './clock.js';

/** `high`: new or changed Services and node deltas. `low`: periodic verification. */
export type Priority = 'high' | 'low';

export interface QueueItem {
  key: string;
  priority: Priority;
  /** How long the key waited in the queue (ms), for the queue latency metric. */
  waitedMs: number;
}

/**
 * A work queue of `namespace/name` keys with client-go's guarantees: a key is queued at most
 * once however often it is added, and is never handed to two workers at once (an add while
 * it is being processed queues it again when `done` is called). Two priorities: every `high`
 * key is served before any `low` one, and adding a queued `low` key as `high` promotes it.
 */
export class WorkQueue {
  private readonly lanes: Record<Priority, Lane> = { high: new Lane(), low: new Lane() };
  /** Keys waiting to be processed, with their priority and when they were first added. */
  private readonly dirty = new Map<string, { priority: Priority; since: number }>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<
    string,
    { at: number; priority: Priority; cancel: () => void }
  >();
  private readonly waiters: ((item: QueueItem | undefined) => void)[] = [];
  private shuttingDown = false;

  /** `onAdd` runs each time a key becomes queued (not when an add finds it queued already). */
  constructor(
    private readonly clock: Clock,
    private readonly onAdd: () => void = () => {},
  ) {}

  add(key: string, priority: Priority = 'high'): void {
    if (this.shuttingDown) return;
    const queued = this.dirty.get(key);
    if (queued !== undefined) {
      if (queued.priority === 'low' && priority === 'high') {
        queued.priority = 'high';
        if (!this.processing.has(key)) this.push(key, 'high');
      }
      return;
    }
    this.dirty.set(key, { priority, since: this.clock.now() });
    this.onAdd();
    if (!this.processing.has(key)) this.push(key, priority);
  }

  /** Adds `key` after `ms`; a later call with an earlier time wins, a later time is ignored. */
  addAfter(key: string, ms: number, priority: Priority = 'high'): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key, priority);
    const at = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing !== undefined) {
      if (existing.at <= at) return;
      existing.cancel();
    }
    const cancel = this.clock.setTimer(() => {
      this.delayed.delete(key);
      this.add(key, priority);
    }, ms);
    this.delayed.set(key, { at, priority, cancel });
  }

  /** The next key, or undefined once the queue is shut down. */
  get(): Promise<QueueItem | undefined> {
    const item = this.pop();
    if (item !== undefined || this.shuttingDown) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    const queued = this.dirty.get(key);
    if (queued !== undefined) this.push(key, queued.priority);
  }

  /** Keys waiting to be processed, by priority. */
  depth(): Record<Priority, number> {
    const out = { high: 0, low: 0 };
    for (const [key, v] of this.dirty) if (!this.processing.has(key)) out[v.priority]++;
    return out;
  }

  /** Whether a key of this priority waits to be taken (cheap: skips only stale lane entries). */
  hasWaiting(priority: Priority): boolean {
    return this.lanes[priority].some((key) => {
      const queued = this.dirty.get(key);
      return queued !== undefined && queued.priority === priority && !this.processing.has(key);
    });
  }

  /** Keys waiting for a timer (backoff, provisioning requeue, verification). */
  delayedCount(): number {
    return this.delayed.size;
  }

  /** Queued (waiting, or for a timer) or being processed. */
  has(key: string): boolean {
    return this.dirty.has(key) || this.processing.has(key) || this.delayed.has(key);
  }

  isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const d of this.delayed.values()) d.cancel();
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private push(key: string, priority: Priority): void {
    this.lanes[priority].push(key);
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      const item = this.pop();
      if (item === undefined) this.waiters.unshift(waiter);
      else waiter(item);
    }
  }

  private pop(): QueueItem | undefined {
    for (const priority of ['high', 'low'] as const) {
      const lane = this.lanes[priority];
      for (let key = lane.shift(); key !== undefined; key = lane.shift()) {
        const queued = this.dirty.get(key);
        // Stale entries: promoted to high, already taken, or being processed.
        if (queued === undefined || queued.priority !== priority || this.processing.has(key))
          continue;
        this.dirty.delete(key);
        this.processing.add(key);
        return { key, priority, waitedMs: this.clock.now() - queued.since };
      }
    }
    return undefined;
  }
}

/** A FIFO with O(1) shift, compacted now and then. */
class Lane {
  private items: string[] = [];
  private head = 0;

  push(key: string): void {
    this.items.push(key);
  }

  /** Whether `test` holds for an entry, from the head on (stale entries sit at the head). */
  some(test: (key: string) => boolean): boolean {
    for (let i = this.head; i < this.items.length; i++) if (test(this.items[i]!)) return true;
    return false;
  }

  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const key = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return key;
  }
}
