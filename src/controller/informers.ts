import { makeInformer, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Node, Service } from '../core/k8s.js';
import { keyOf } from '../core/k8s.js';
import { sleepOn, type Clock } from './clock.js';
import { listers } from './kube.js';
import { countedList, type RequestRecorder } from './kube-metrics.js';

export type WatchEvent = 'add' | 'update' | 'delete';

/** Read-only views of the informers' caches. Objects are shared: never mutate them. */
export interface ClusterCache {
  service(key: string): Readonly<Service> | undefined;
  services(): readonly Readonly<Service>[];
  nodes(): readonly Readonly<Node>[];
}

export interface Informers {
  cache: ClusterCache;
  /** Resolves once both informers have listed (and keeps retrying until they have). */
  synced: Promise<void>;
  isSynced(): boolean;
  stop(): Promise<void>;
}

/**
 * Services (all namespaces) and Nodes through client-node's list-and-watch informers. A failed
 * list or a dropped watch is retried after `restartDelayMs`; a 410 from the watch makes the
 * informer list again (client-node does that itself).
 */
export function startInformers(options: {
  kc: KubeConfig;
  clock: Clock;
  onService: (event: WatchEvent, service: Readonly<Service>) => void;
  onNode: (event: WatchEvent, node: Readonly<Node>) => void;
  onError: (what: string, error: unknown) => void;
  restartDelayMs?: number;
  /** Counts the list requests (rest_client_requests_total). */
  onRequest?: RequestRecorder;
}): Informers {
  const raw = listers(options.kc);
  const record = options.onRequest ?? (() => {});
  const list = {
    services: countedList(raw.services, record),
    nodes: countedList(raw.nodes, record),
  };
  const services = makeInformer<KubernetesObject>(
    options.kc,
    '/api/v1/services',
    list.services as never,
  );
  const nodes = makeInformer<KubernetesObject>(options.kc, '/api/v1/nodes', list.nodes as never);
  const stopped = new AbortController();
  const delay = options.restartDelayMs ?? 1_000;
  let synced = false;

  for (const event of ['add', 'update', 'delete'] as const) {
    services.on(event, (o) => options.onService(event, o as unknown as Service));
    nodes.on(event, (o) => options.onNode(event, o as unknown as Node));
  }

  const keep = (name: string, informer: typeof services): Promise<void> => {
    let firstSync: (() => void) | undefined;
    const ready = new Promise<void>((r) => (firstSync = r));
    let failed = false;
    informer.on('error', (e: unknown) => {
      failed = true;
      // Stopping aborts the watch request, which the informer reports as an error.
      if (stopped.signal.aborted) return;
      options.onError(`${name} informer`, e);
      void sleepOn(options.clock, delay, stopped.signal).then(() => {
        if (!stopped.signal.aborted) void start();
      });
    });
    const start = async () => {
      failed = false;
      await informer.start().catch((e: unknown) => {
        failed = true;
        options.onError(`${name} informer`, e);
      });
      if (!failed) firstSync?.();
    };
    void start();
    return ready;
  };

  const ready = Promise.all([keep('services', services), keep('nodes', nodes)]).then(() => {
    synced = true;
  });

  return {
    cache: {
      service(key) {
        const slash = key.indexOf('/');
        return services.get(key.slice(slash + 1), key.slice(0, slash)) as Service | undefined;
      },
      services: () => services.list() as unknown as readonly Service[],
      nodes: () => nodes.list() as unknown as readonly Node[],
    },
    synced: ready,
    isSynced: () => synced,
    async stop() {
      stopped.abort();
      await Promise.all([services.stop(), nodes.stop()]);
    },
  };
}

export const serviceKey = (s: Readonly<Service>): string =>
  keyOf({ namespace: s.metadata.namespace ?? 'default', name: s.metadata.name });
