import type { Json, KObject } from './json.js';
import { clone, str } from './json.js';
import type { ObjectRef, Registry } from './registry.js';
import type { ResourceDef } from './resources.js';
import { resourceFor, toWire } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { EventType } from './store.js';
import type { WatchHub } from './watch.js';

/**
 * The sandbox's state for tests and the demo, with the same semantics as the HTTP API
 * (admission, resourceVersions, finalizers, watch events). Resources are named as kubectl
 * would: `services`, `Service`, `leases.coordination.k8s.io`. Errors are ApiErrors.
 */
export class SandboxStore {
  constructor(
    private readonly registry: Registry,
    private readonly hub: WatchHub,
  ) {}

  get resourceVersion(): number {
    return this.registry.store.resourceVersion;
  }

  /** How many watch streams are open (tests wait for informers to be connected). */
  get openWatches(): number {
    return this.hub.size;
  }

  create(resource: string, object: Json, namespace?: string): KObject {
    const def = resolve(resource);
    return this.registry.create(def, scope(def, namespace ?? nsOf(object)), object).object;
  }

  get(resource: string, name: string, namespace?: string): KObject {
    const def = resolve(resource);
    return this.registry.get(def, { namespace: scope(def, namespace), name });
  }

  list(
    resource: string,
    opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
  ): KObject[] {
    const def = resolve(resource);
    const labels = parseLabelSelector(opts.labelSelector ?? null);
    const fields = parseFieldSelector(opts.fieldSelector ?? null, def);
    return this.registry.list(
      def,
      def.namespaced ? opts.namespace : undefined,
      (o) => labels(o) && fields(o),
    );
  }

  /** PUT: replaces the object named by its metadata; a stale resourceVersion is a 409. */
  update(resource: string, object: KObject): KObject {
    const def = resolve(resource);
    return this.registry.update(def, refTo(def, object), object).object;
  }

  /** PUT on the status subresource: only status changes. */
  updateStatus(resource: string, object: KObject): KObject {
    const def = resolve(resource);
    return this.registry.update(def, refTo(def, object), object, { status: true }).object;
  }

  delete(resource: string, name: string, namespace?: string): KObject {
    const def = resolve(resource);
    return this.registry.delete(def, { namespace: scope(def, namespace), name }).object;
  }

  /**
   * Calls `listener` synchronously after every committed change of a resource (wire form),
   * so tests can wait for a condition on events instead of polling. Returns the unsubscribe.
   */
  onChange(resource: string, listener: (type: EventType, object: KObject) => void): () => void {
    const def = resolve(resource);
    return this.registry.store.subscribe((e) => {
      if (e.storage === def.storage) listener(e.type, toWire(def, clone(e.object)));
    });
  }

  /**
   * Forces what an etcd compaction does: every older resourceVersion becomes too old, and
   * each open watch ends with an ERROR 410 Expired event, so clients must list again.
   */
  expireWatches(): void {
    this.registry.store.compact();
    this.hub.expireAll();
  }
}

function resolve(resource: string): ResourceDef {
  const dot = resource.indexOf('.');
  return dot < 0
    ? resourceFor(resource)
    : resourceFor(resource.slice(0, dot), resource.slice(dot + 1));
}

const nsOf = (o: Json): string | undefined =>
  typeof o === 'object' &&
  o !== null &&
  !Array.isArray(o) &&
  typeof o['metadata'] === 'object' &&
  o['metadata'] !== null &&
  !Array.isArray(o['metadata'])
    ? str(o['metadata']['namespace'])
    : undefined;

const scope = (def: ResourceDef, ns: string | undefined): string | undefined =>
  def.namespaced ? (ns ?? 'default') : undefined;

const refTo = (def: ResourceDef, o: KObject): ObjectRef => ({
  namespace: scope(def, nsOf(o)),
  name: String(o.metadata['name']),
});
