import type { ServerResponse } from 'node:http';
import { asApiError, gone } from './errors.js';
import type { JsonObject, KObject } from './json.js';
import type { Registry } from './registry.js';
import type { ResourceDef } from './resources.js';
import { apiVersionOf, toWire } from './resources.js';
import type { Predicate } from './selectors.js';
import type { StoreEvent } from './store.js';
import type { IncludeObject } from './tables.js';
import { toTable } from './tables.js';

export interface WatchRequest {
  def: ResourceDef;
  namespace: string | undefined;
  selected: Predicate;
  /** Absent, '' or '0': start with ADDED for every existing object, as the API server does. */
  resourceVersion: number | undefined;
  bookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutMs: number | undefined;
  table: { includeObject: IncludeObject } | undefined;
}

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * Open watch streams. Each is a chunked response of newline-delimited JSON events, fed
 * synchronously from the store so that replayed history and live changes join without a
 * gap; BOOKMARKs carry the current resourceVersion when the client allows them.
 */
export class WatchHub {
  private readonly open = new Set<{ expire: () => void; close: () => void }>();

  constructor(
    private readonly registry: Registry,
    private readonly opts: { bookmarkIntervalMs: number; now: () => Date },
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** Ends every open watch with an ERROR 410 Expired event, as after an etcd compaction. */
  expireAll(): void {
    for (const w of [...this.open]) w.expire();
  }

  closeAll(): void {
    for (const w of [...this.open]) w.close();
  }

  serve(res: ServerResponse, w: WatchRequest): void {
    const store = this.registry.store;
    const replay: StoreEvent[] | undefined =
      w.resourceVersion === undefined ? [] : store.since(w.resourceVersion);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    // Headers now, not with the first event: client-go counts a watch as started only once they arrive.
    res.flushHeaders();
    let first = true;
    const write = (type: WatchEventType, object: JsonObject): void => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const send = (type: WatchEventType, o: KObject): void => {
      if (w.table === undefined) return write(type, o);
      const table = toTable({
        def: w.def,
        objects: [o],
        now: this.opts.now(),
        resourceVersion: String(o.metadata['resourceVersion'] ?? ''),
        includeObject: w.table.includeObject,
        withColumns: first,
      });
      first = false;
      write(type, table);
    };
    if (replay === undefined) {
      write('ERROR', gone(w.resourceVersion ?? 0, store.oldestWatchable).toStatus());
      res.end();
      return;
    }
    const bookmark = (annotations?: Record<string, string>): void =>
      write('BOOKMARK', {
        kind: w.def.kind,
        apiVersion: apiVersionOf(w.def),
        metadata: {
          resourceVersion: String(store.resourceVersion),
          ...(annotations ? { annotations } : {}),
        },
      });
    if (w.resourceVersion === undefined) {
      for (const o of this.registry.list(w.def, w.namespace, w.selected)) send('ADDED', o);
      if (w.sendInitialEvents && w.bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    }
    // Declared before any event is sent: an event that fails to render closes the watch.
    let unsubscribe = (): void => undefined;
    const timers: NodeJS.Timeout[] = [];
    let closed = false;
    const close = (): void => {
      closed = true;
      unsubscribe();
      timers.forEach((t) => clearTimeout(t));
      this.open.delete(entry);
      if (!res.writableEnded) res.end();
    };
    const entry = {
      expire: () => {
        write('ERROR', gone(store.resourceVersion, store.resourceVersion).toStatus());
        close();
      },
      close,
    };
    const deliver = (e: StoreEvent): void => {
      // A watch that cannot render an event ends with an ERROR; the write that caused it stands.
      try {
        const type = this.eventFor(e, w);
        if (type !== undefined) send(type, toWire(w.def, e.object));
      } catch (err) {
        write('ERROR', asApiError(err).toStatus());
        close();
      }
    };
    replay.forEach(deliver);
    if (closed) return;
    unsubscribe = store.subscribe(deliver);
    if (w.bookmarks) timers.push(setInterval(() => bookmark(), this.opts.bookmarkIntervalMs));
    if (w.timeoutMs !== undefined) timers.push(setTimeout(close, w.timeoutMs));
    this.open.add(entry);
    res.on('close', close);
  }

  /** The event a watcher sees: objects entering or leaving its selection are ADDED or DELETED. */
  private eventFor(e: StoreEvent, w: WatchRequest): 'ADDED' | 'MODIFIED' | 'DELETED' | undefined {
    if (e.storage !== w.def.storage) return undefined;
    if (w.namespace !== undefined && e.object.metadata['namespace'] !== w.namespace)
      return undefined;
    const now = w.selected(toWire(w.def, e.object));
    const before = e.previous !== undefined && w.selected(toWire(w.def, e.previous));
    if (e.type === 'DELETED') return before ? 'DELETED' : undefined;
    if (e.type === 'ADDED') return now ? 'ADDED' : undefined;
    if (before && now) return 'MODIFIED';
    if (now) return 'ADDED';
    return before ? 'DELETED' : undefined;
  }
}
