import type { Json, JsonObject, KObject } from './json.js';
import { clone, isObject, jsonEqual } from './json.js';
import type { Conflict, Leaf } from './managed.js';
import { leaves } from './managed.js';
import type { Schema } from './schema.js';

/** What a client-side `kubectl apply` keeps on the object: the configuration it applied. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Only `kubectl apply --server-side` (field manager `kubectl`) takes over client-side apply:
 * another manager opts out (kube-apiserver's lastAppliedManager and lastAppliedUpdater).
 */
const UPGRADING_MANAGER = 'kubectl';

const annotationOf = (o: KObject): string | undefined => {
  const a = o.metadata['annotations'];
  const v = isObject(a) ? a[LAST_APPLIED] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/**
 * The conflicts that remain when `manager` server-side applies over `live`. kube-apiserver's
 * lastAppliedManager: for `kubectl`, a conflict on a field of the last-applied annotation whose
 * value still equals the live value is not one (that field was set by client-side apply), and
 * when no other conflict remains the apply is forced. Returns `force: true` then.
 */
export function lastAppliedConflicts(opts: {
  manager: string;
  live: KObject | undefined;
  conflicts: Conflict[];
  apiVersion: string;
  schema: Schema;
}): { conflicts: Conflict[]; force: boolean } {
  const { conflicts } = opts;
  const unchanged = { conflicts, force: false };
  if (opts.manager !== UPGRADING_MANAGER || conflicts.length === 0 || opts.live === undefined)
    return unchanged;
  const text = annotationOf(opts.live);
  if (text === undefined) return unchanged;
  let lastApplied: Json;
  try {
    lastApplied = JSON.parse(text) as Json;
  } catch {
    return unchanged; // an annotation that does not decode allows nothing
  }
  if (!isObject(lastApplied) || lastApplied['apiVersion'] !== opts.apiVersion) return unchanged;
  const liveValue = new Map(leaves(opts.live, opts.schema).map((l) => [l.path, l.value]));
  // Fields the last applied configuration set that were changed, added or removed since are
  // not client-side apply's any more.
  const allowed = new Set(
    leaves(lastApplied, opts.schema)
      .filter((l: Leaf) => liveValue.has(l.path) && jsonEqual(liveValue.get(l.path), l.value))
      .map((l) => l.path),
  );
  const remaining = conflicts.filter((c) => !allowed.has(c.path));
  return { conflicts: remaining, force: remaining.length === 0 };
}

/**
 * kube-apiserver's lastAppliedUpdater: after a successful apply by `kubectl` of an object that
 * carries the annotation, the annotation becomes that apply configuration (without the
 * annotation itself), so that a later client-side apply diffs against it.
 */
export function updateLastApplied(object: KObject, manager: string, config: Json): void {
  if (manager !== UPGRADING_MANAGER || annotationOf(object) === undefined || !isObject(config))
    return;
  const applied = clone(config) as JsonObject;
  const metadata = isObject(applied['metadata']) ? applied['metadata'] : {};
  if (isObject(metadata['annotations'])) {
    const rest = { ...metadata['annotations'] };
    delete rest[LAST_APPLIED];
    metadata['annotations'] = rest;
  }
  // Encoded as the API server encodes unstructured objects: Go's encoding/json (map keys
  // sorted) followed by a newline.
  const annotations = object.metadata['annotations'] as JsonObject;
  annotations[LAST_APPLIED] = `${JSON.stringify(sortKeys(applied))}\n`;
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k] as Json)]),
  );
}
