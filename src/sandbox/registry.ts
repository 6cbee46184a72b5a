import { randomUUID } from 'node:crypto';
import type { Service } from '../core/k8s.js';
import type { ServiceAllocator } from './admission.js';
import { admitService, admitServiceStatus } from './admission.js';
import { alreadyExists, badRequest, forbidden, invalid, notFound, staleUpdate } from './errors.js';
import type { Json, KObject } from './json.js';
import { arr, clone, jsonEqual, obj, str } from './json.js';
import { decodeBody } from './decode.js';
import { keyOf, nameOf, sortKey, storageKey } from './keys.js';
import { labelProblems, nameProblems } from './names.js';
import { finalizeNamespaceIfEmpty, namespacedStorages } from './namespaces.js';
import type { Preconditions } from './preconditions.js';
import { checkPreconditions } from './preconditions.js';
import type { ResourceDef } from './resources.js';
import { resourceFor, toWire } from './resources.js';
import type { FieldValidation } from './schema.js';
import type { Predicate } from './selectors.js';
import type { Store } from './store.js';
import { nextVersion, randomSuffix, rfc3339, withStatusOf } from './system-fields.js';
import { kindDefaults, kindProblems } from './validation/index.js';

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
}

export interface WriteResult {
  object: KObject;
  /** `Warning` headers for the client, e.g. unknown fields dropped under fieldValidation=Warn. */
  warnings: string[];
  /** An update that created the object (create-on-update): answered 201. */
  created?: boolean;
}

/** Names one object: `namespace` is undefined for cluster-scoped resources. */
export interface ObjectRef {
  namespace: string | undefined;
  name: string;
}

export interface RegistryOptions {
  store: Store;
  allocator: ServiceAllocator;
  now: () => Date;
}

const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public'];
const NAMESPACES = resourceFor('namespaces');

/**
 * The API server's object semantics over the store: validation and defaulting, system
 * fields (uid, creationTimestamp, generation, resourceVersion), optimistic concurrency,
 * the status subresource, finalizers and deletionTimestamp, namespace lifecycle and
 * Service admission. Objects go in and come out in the wire form of the resource asked for.
 */
export class Registry {
  constructor(private readonly opts: RegistryOptions) {}

  get store(): Store {
    return this.opts.store;
  }

  get(def: ResourceDef, ref: ObjectRef): KObject {
    return toWire(def, this.mustGet(def, ref.namespace, ref.name));
  }

  list(def: ResourceDef, ns: string | undefined, selected: Predicate): KObject[] {
    // Selection runs on the stored objects (toWire copies shallowly); only matches are cloned.
    return this.opts.store
      .select(
        def.storage,
        (o) => (ns === undefined || o.metadata['namespace'] === ns) && selected(toWire(def, o)),
      )
      .map((o) => toWire(def, o))
      .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }

  create(
    def: ResourceDef,
    ns: string | undefined,
    body: Json,
    opts: WriteOptions = {},
  ): WriteResult {
    const { obj: o, warnings } = decodeBody(def, body, ns, opts);
    const meta = o.metadata;
    if (str(meta['resourceVersion']))
      throw badRequest('resourceVersion should not be set on objects to be created');
    let name = str(meta['name']) ?? '';
    const generateName = str(meta['generateName']);
    if (name === '' && generateName) name = `${generateName}${randomSuffix()}`;
    if (name === '') {
      throw invalid(def.kind, nameOf(def), '', [
        { type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' },
      ]);
    }
    meta['name'] = name;
    const problems = [
      ...nameProblems(name, def.nameRule),
      ...labelProblems(obj(meta['labels']) ?? {}),
    ];
    if (problems.length > 0) throw invalid(def.kind, nameOf(def), name, problems);
    if (ns !== undefined) this.requireLiveNamespace(def, ns, name);
    if (this.opts.store.get(def.storage, storageKey(ns, name)) !== undefined)
      throw alreadyExists(nameOf(def), name);
    for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']) delete meta[f];
    meta['uid'] = randomUUID();
    meta['creationTimestamp'] = rfc3339(this.opts.now());
    // Services carry no metadata.generation (their strategy never sets one).
    if (def.storage === 'services') delete o['status'];
    if (def.generation === true) {
      meta['generation'] = 1;
      delete o['status'];
    }
    if (def === NAMESPACES) {
      o['spec'] = { finalizers: ['kubernetes'] };
      meta['labels'] = { ...(obj(meta['labels']) ?? {}), 'kubernetes.io/metadata.name': name };
      o['status'] = { phase: 'Active' };
    }
    const admitted =
      def.storage === 'services' ? this.admit(o, undefined, opts) : this.check(def, o, undefined);
    return { object: toWire(def, this.commit(def, admitted, undefined, opts)), warnings };
  }

  /** PUT: replaces the object (or only its status), refusing a stale resourceVersion with 409. */
  update(
    def: ResourceDef,
    ref: ObjectRef,
    body: Json,
    opts: WriteOptions & { status?: boolean } = {},
  ): WriteResult {
    const { namespace: ns, name } = ref;
    const { obj: o, warnings } = decodeBody(def, body, ns, opts);
    const urlName = str(o.metadata['name']);
    if (urlName !== undefined && urlName !== name) {
      throw badRequest(
        `the name of the object (${urlName}) does not match the name on the URL (${name})`,
      );
    }
    o.metadata['name'] = name;
    const stored = this.opts.store.get(def.storage, storageKey(ns, name));
    const rvSent = str(o.metadata['resourceVersion']) ?? '';
    // AllowCreateOnUpdate: a PUT to a missing Service, Event, Lease... creates it, unless the
    // client names a version of it (then it was deleted under the client: not found).
    if (
      stored === undefined &&
      def.createOnUpdate === true &&
      opts.status !== true &&
      rvSent === ''
    )
      return {
        ...this.create(def, ns, { ...o, metadata: { ...o.metadata, name } }, opts),
        created: true,
      };
    const current = this.mustGet(def, ns, name);
    const labels = labelProblems(obj(o.metadata['labels']) ?? {});
    if (labels.length > 0 && opts.status !== true)
      throw invalid(def.kind, nameOf(def), name, labels);
    const rv = str(o.metadata['resourceVersion']);
    if (rv !== undefined && rv !== '' && rv !== current.metadata['resourceVersion'])
      throw staleUpdate(nameOf(def), name);
    const next = opts.status === true ? withStatusOf(current, o) : nextVersion(def, current, o);
    let admitted: KObject;
    if (def.storage !== 'services')
      admitted = opts.status === true ? next : this.check(def, next, current);
    else if (opts.status === true) admitted = admitServiceStatus(next);
    else admitted = this.admit(next, current, opts);
    // After defaulting: a body that leaves defaults out does not change the spec.
    if (def.generation === true && !jsonEqual(current['spec'], admitted['spec']))
      admitted.metadata['generation'] = Number(current.metadata['generation'] ?? 1) + 1;
    return { object: toWire(def, this.commit(def, admitted, current, opts)), warnings };
  }

  /**
   * DELETE: without finalizers the object is gone at once; with finalizers it gets a
   * deletionTimestamp and disappears when an update removes the last one.
   */
  delete(
    def: ResourceDef,
    ref: ObjectRef,
    opts: { dryRun?: boolean; preconditions?: Preconditions } = {},
  ): { object: KObject; gone: boolean } {
    const { namespace: ns, name } = ref;
    const current = this.mustGet(def, ns, name);
    checkPreconditions(def, current, opts.preconditions ?? {});
    if (def === NAMESPACES && PROTECTED_NAMESPACES.includes(name)) {
      throw forbidden(nameOf(def), name, 'this namespace may not be deleted');
    }
    if (opts.dryRun === true) return { object: toWire(def, current), gone: false };
    if (def === NAMESPACES) return this.deleteNamespace(current);
    if (arr(current.metadata['finalizers']).length === 0) {
      return { object: toWire(def, this.removeStored(def, current)), gone: true };
    }
    if (current.metadata['deletionTimestamp'] !== undefined)
      return { object: toWire(def, current), gone: false };
    const marked = clone(current);
    marked.metadata['deletionTimestamp'] = rfc3339(this.opts.now());
    marked.metadata['deletionGracePeriodSeconds'] = 0;
    return {
      object: toWire(def, this.opts.store.put(def.storage, keyOf(marked), marked)),
      gone: false,
    };
  }

  private mustGet(def: ResourceDef, ns: string | undefined, name: string): KObject {
    const o = this.opts.store.get(def.storage, storageKey(ns, name));
    if (o === undefined) throw notFound(nameOf(def), name);
    return o;
  }

  private requireLiveNamespace(def: ResourceDef, ns: string, name: string): void {
    const namespace = this.opts.store.get(NAMESPACES.storage, ns);
    if (namespace === undefined) throw notFound(nameOf(NAMESPACES), ns);
    if (namespace.metadata['deletionTimestamp'] !== undefined) {
      throw forbidden(
        nameOf(def),
        name,
        `unable to create new content in namespace ${ns} because it is being terminated`,
      );
    }
  }

  /** The kind's own validation (Leases, Events): 422 with every problem. */
  private check(def: ResourceDef, o: KObject, previous: KObject | undefined): KObject {
    kindDefaults(def, o);
    const problems = kindProblems(def, o, previous);
    if (problems.length > 0)
      throw invalid(def.kind, nameOf(def), String(o.metadata['name']), problems);
    return o;
  }

  private admit(o: KObject, previous: KObject | undefined, opts: WriteOptions): KObject {
    const admitted = admitService(o, previous, this.opts.allocator);
    if (opts.dryRun === true) {
      this.opts.allocator.release(admitted as unknown as Service);
      if (previous !== undefined) this.opts.allocator.allocate(previous as unknown as Service);
    }
    return admitted;
  }

  /** Stores `next` unless nothing changed (no new resourceVersion, no event) or it is dry run. */
  private commit(
    def: ResourceDef,
    next: KObject,
    current: KObject | undefined,
    opts: WriteOptions,
  ): KObject {
    if (current !== undefined) {
      const same = clone(next);
      same.metadata['resourceVersion'] = current.metadata['resourceVersion'] ?? '';
      if (jsonEqual(same, current)) return current;
    }
    if (opts.dryRun === true) return next;
    if (
      next.metadata['deletionTimestamp'] !== undefined &&
      arr(next.metadata['finalizers']).length === 0
    ) {
      return this.removeStored(def, next);
    }
    return this.opts.store.put(def.storage, keyOf(next), next);
  }

  private removeStored(def: ResourceDef, o: KObject): KObject {
    const gone = this.opts.store.remove(def.storage, keyOf(o));
    if (gone === undefined) throw notFound(nameOf(def), String(o.metadata['name']));
    if (def.storage === 'services') this.opts.allocator.release(gone as unknown as Service);
    const ns = str(gone.metadata['namespace']);
    if (ns !== undefined) finalizeNamespaceIfEmpty(this.opts.store, ns);
    return gone;
  }

  private deleteNamespace(current: KObject): { object: KObject; gone: boolean } {
    const name = String(current.metadata['name']);
    let marked = current;
    if (current.metadata['deletionTimestamp'] === undefined) {
      const next = clone(current);
      next.metadata['deletionTimestamp'] = rfc3339(this.opts.now());
      next.metadata['deletionGracePeriodSeconds'] = 0;
      next['status'] = { phase: 'Terminating' };
      marked = this.opts.store.put(NAMESPACES.storage, name, next);
    }
    for (const def of namespacedStorages()) {
      for (const o of this.opts.store
        .list(def.storage)
        .filter((x) => x.metadata['namespace'] === name)) {
        this.delete(def, { namespace: name, name: String(o.metadata['name']) });
      }
    }
    const gone = finalizeNamespaceIfEmpty(this.opts.store, name);
    return gone === undefined
      ? { object: toWire(NAMESPACES, marked), gone: false }
      : { object: toWire(NAMESPACES, gone), gone: true };
  }
}
