import type { KObject } from './json.js';
import { clone } from './json.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change, in storage form; `previous` lets watches with selectors see objects leave. */
export interface StoreEvent {
  rv: number;
  storage: string;
  type: EventType;
  object: KObject;
  previous: KObject | undefined;
}

/** What a snapshot file holds: the last resourceVersion and every object by storage key. */
export interface StoreDump {
  resourceVersion: number;
  objects: Record<string, KObject[]>;
}

/**
 * Objects in memory with one cluster-wide resourceVersion counter, like etcd's revision.
 * Every write takes the next version, is appended to a bounded history (older versions
 * answer 410 Gone to a watch) and is handed synchronously to listeners, so a watch that
 * reads the history and subscribes in the same turn of the event loop misses nothing.
 * Objects handed out are copies: nobody can change stored state behind the store's back.
 */
export class Store {
  private rv = 0;
  /** Highest version no longer in the history: watches must start at or after it. */
  private compactedRv = 0;
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  constructor(private readonly historyLimit: number) {
    if (!Number.isInteger(historyLimit) || historyLimit < 1) {
      throw new TypeError(`historyLimit must be a positive integer, got ${historyLimit}`);
    }
  }

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestWatchable(): number {
    return this.compactedRv;
  }

  get(storage: string, key: string): KObject | undefined {
    const o = this.objects.get(storage)?.get(key);
    return o === undefined ? undefined : clone(o);
  }

  list(storage: string): KObject[] {
    return this.select(storage, () => true);
  }

  /** Copies of the objects `wanted` accepts; it sees stored objects and must not change them. */
  select(storage: string, wanted: (o: Readonly<KObject>) => boolean): KObject[] {
    const out: KObject[] = [];
    for (const o of this.objects.get(storage)?.values() ?? []) if (wanted(o)) out.push(clone(o));
    return out;
  }

  /** Stores a new or changed object under the next resourceVersion and returns the stored copy. */
  put(storage: string, key: string, object: KObject): KObject {
    const bucket = this.bucket(storage);
    const previous = bucket.get(key);
    const stored = clone(object);
    stored.metadata['resourceVersion'] = String(++this.rv);
    bucket.set(key, stored);
    this.record({
      rv: this.rv,
      storage,
      type: previous === undefined ? 'ADDED' : 'MODIFIED',
      object: stored,
      previous,
    });
    return clone(stored);
  }

  /** Removes an object; the DELETED event carries it with the deletion's resourceVersion. */
  remove(storage: string, key: string): KObject | undefined {
    const bucket = this.bucket(storage);
    const previous = bucket.get(key);
    if (previous === undefined) return undefined;
    bucket.delete(key);
    const gone = clone(previous);
    gone.metadata['resourceVersion'] = String(++this.rv);
    this.record({ rv: this.rv, storage, type: 'DELETED', object: gone, previous });
    return clone(gone);
  }

  /** Changes after `rv`, or undefined when some of them were already dropped (410 Gone). */
  since(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  /** Drops the whole history, as an etcd compaction does: every older version is then too old. */
  compact(): void {
    this.history.length = 0;
    this.compactedRv = this.rv;
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dump(): StoreDump {
    const objects: Record<string, KObject[]> = {};
    for (const [storage, bucket] of this.objects)
      objects[storage] = [...bucket.values()].map((o) => clone(o));
    return { resourceVersion: this.rv, objects };
  }

  /** Loads a dump into an empty store; versions continue after the dump's. */
  restore(dump: StoreDump, keyOf: (storage: string, o: KObject) => string): void {
    for (const [storage, list] of Object.entries(dump.objects)) {
      for (const o of list) this.bucket(storage).set(keyOf(storage, o), clone(o));
    }
    this.rv = Math.max(this.rv, dump.resourceVersion);
    this.compactedRv = this.rv;
  }

  private bucket(storage: string): Map<string, KObject> {
    let b = this.objects.get(storage);
    if (b === undefined) {
      b = new Map();
      this.objects.set(storage, b);
    }
    return b;
  }

  private record(e: StoreEvent): void {
    this.history.push(e);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped !== undefined) this.compactedRv = dropped.rv;
    }
    for (const l of [...this.listeners]) l(e);
  }
}
