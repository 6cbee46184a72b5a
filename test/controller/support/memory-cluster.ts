import type { CoreV1Event } from '@kubernetes/client-node';
import { LbctlError } from '../../../src/core/errors.js';
import type { Node, Service, ServiceStatus } from '../../../src/core/k8s.js';
import type { ClusterCache, WatchEvent } from '../../../src/controller/informers.js';
import type { KubeApi } from '../../../src/controller/kube.js';

type Listener<T> = (event: WatchEvent, object: Readonly<T>) => void;

/**
 * An in-process stand-in for an API server plus informer caches, for controller unit tests and
 * the controller benchmark (the end-to-end tests use the sandbox API server over HTTP). It keeps
 * the semantics the controller relies on: resourceVersion conflicts on update, finalizers hold
 * a deletion, status only through the status patch, and objects handed out are deep-frozen so a
 * controller that mutates a cached object fails loudly.
 */
export class MemoryCluster implements ClusterCache {
  private readonly svcs = new Map<string, Readonly<Service>>();
  private readonly nodeMap = new Map<string, Readonly<Node>>();
  private rv = 0;
  private uid = 0;
  private serviceListeners: Listener<Service>[] = [];
  private nodeListeners: Listener<Node>[] = [];
  readonly events: { reason: string; type: string; message: string; object: string }[] = [];
  /** Counts of API writes by kind, for "no write when nothing changed" assertions. */
  readonly writes = { updateService: 0, patchServiceStatus: 0, createEvent: 0, patchEvent: 0 };

  onService(l: Listener<Service>): void {
    this.serviceListeners.push(l);
  }

  onNode(l: Listener<Node>): void {
    this.nodeListeners.push(l);
  }

  // ClusterCache
  service(key: string): Readonly<Service> | undefined {
    return this.svcs.get(key);
  }
  services(): readonly Readonly<Service>[] {
    return [...this.svcs.values()];
  }
  nodes(): readonly Readonly<Node>[] {
    return [...this.nodeMap.values()];
  }

  /** kubectl apply: creates or replaces spec/metadata the user owns; keeps status and finalizers. */
  applyService(s: Service): Readonly<Service> {
    const key = `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
    const old = this.svcs.get(key);
    const next: Service = structuredClone(s);
    next.metadata.namespace = s.metadata.namespace ?? 'default';
    next.metadata.uid = old?.metadata.uid ?? `uid-${String(++this.uid).padStart(8, '0')}`;
    next.metadata.resourceVersion = String(++this.rv);
    next.metadata.finalizers = [...(old?.metadata.finalizers ?? [])];
    if (old?.status !== undefined) next.status = structuredClone(old.status) as ServiceStatus;
    else delete next.status;
    return this.store(key, next, old === undefined ? 'add' : 'update');
  }

  /** kubectl delete: waits for finalizers like the API server. */
  deleteService(key: string): void {
    const old = this.svcs.get(key);
    if (old === undefined) return;
    if ((old.metadata.finalizers ?? []).length === 0) {
      this.svcs.delete(key);
      this.emit(this.serviceListeners, 'delete', old);
      return;
    }
    const next = structuredClone(old) as Service;
    next.metadata.deletionTimestamp = new Date(0).toISOString();
    next.metadata.resourceVersion = String(++this.rv);
    this.store(key, next, 'update');
  }

  setNode(n: Node): void {
    const old = this.nodeMap.get(n.metadata.name);
    const next = structuredClone(n);
    next.metadata.resourceVersion = String(++this.rv);
    this.nodeMap.set(n.metadata.name, deepFreeze(next));
    this.emit(this.nodeListeners, old === undefined ? 'add' : 'update', next);
  }

  deleteNode(name: string): void {
    const old = this.nodeMap.get(name);
    if (old === undefined) return;
    this.nodeMap.delete(name);
    this.emit(this.nodeListeners, 'delete', old);
  }

  /** Replays every object as an informer's initial list does (a controller restart). */
  replay(): void {
    for (const n of this.nodeMap.values()) this.emit(this.nodeListeners, 'add', n);
    for (const s of this.svcs.values()) this.emit(this.serviceListeners, 'add', s);
  }

  /** The KubeApi the controller writes through. */
  readonly api: KubeApi = {
    getService: async (namespace, name) => this.svcs.get(`${namespace}/${name}`),
    updateService: async (s) => {
      this.writes.updateService++;
      const key = `${s.metadata.namespace}/${s.metadata.name}`;
      const old = this.svcs.get(key);
      if (old === undefined)
        throw new LbctlError('not-found', `services "${s.metadata.name}" not found`);
      if (old.metadata.resourceVersion !== s.metadata.resourceVersion) {
        throw new LbctlError(
          'conflict',
          'the object has been modified; please apply your changes to the latest version and try again',
        );
      }
      const next = structuredClone(s);
      if (old.status !== undefined) next.status = structuredClone(old.status) as ServiceStatus;
      else delete next.status;
      next.metadata.resourceVersion = String(++this.rv);
      if (
        next.metadata.deletionTimestamp !== undefined &&
        (next.metadata.finalizers ?? []).length === 0
      ) {
        this.svcs.delete(key);
        this.emit(this.serviceListeners, 'delete', next);
        return next;
      }
      return this.store(key, next, 'update') as Service;
    },
    patchServiceStatus: async (namespace, name, patch) => {
      this.writes.patchServiceStatus++;
      const key = `${namespace}/${name}`;
      const old = this.svcs.get(key);
      if (old === undefined) throw new LbctlError('not-found', `services "${name}" not found`);
      const next = structuredClone(old) as Service;
      // A JSON merge patch: fields absent from the patch stay, lists are replaced whole.
      const p = patch as { loadBalancer?: { ingress?: unknown }; conditions?: unknown };
      const status: ServiceStatus = { ...(old.status ?? {}) };
      if (p.loadBalancer !== undefined) {
        const ingress = p.loadBalancer.ingress;
        status.loadBalancer =
          ingress === null || ingress === undefined ? {} : { ingress: ingress as never };
      }
      if (p.conditions !== undefined) status.conditions = p.conditions as never;
      next.status = structuredClone(status);
      next.metadata.resourceVersion = String(++this.rv);
      return this.store(key, next, 'update') as Service;
    },
    createEvent: async (e: CoreV1Event) => {
      this.writes.createEvent++;
      this.events.push({
        reason: e.reason ?? '',
        type: e.type ?? '',
        message: e.message ?? '',
        object: `${e.involvedObject.namespace}/${e.involvedObject.name}`,
      });
      return e;
    },
    patchEvent: async () => {
      this.writes.patchEvent++;
      return {} as CoreV1Event;
    },
    getLease: async () => undefined,
    createLease: async (l) => l,
    updateLease: async (l) => l,
  };

  private store(key: string, s: Service, event: WatchEvent): Readonly<Service> {
    const frozen = deepFreeze(s);
    this.svcs.set(key, frozen);
    this.emit(this.serviceListeners, event, frozen);
    return frozen;
  }

  private emit<T>(listeners: Listener<T>[], event: WatchEvent, o: Readonly<T>): void {
    // Informers deliver after the write returns, never inside it.
    queueMicrotask(() => {
      for (const l of listeners) l(event, o);
    });
  }
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
