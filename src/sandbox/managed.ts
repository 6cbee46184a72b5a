import { ApiError } from './errors.js';
import type { Json, JsonObject } from './json.js';
import { isObject, jsonEqual } from './json.js';
import type { Schema } from './schema.js';
import { fieldSchema } from './schema.js';
import { rfc3339 } from './system-fields.js';

/**
 * Field ownership for server-side apply, as structured-merge-diff tracks it: every leaf
 * field a manager set, addressed like kube-apiserver's paths (`.spec.ports[port=80,protocol="TCP"].port`)
 * and written as FieldsV1 (`f:spec`, `k:{"port":80,"protocol":"TCP"}`, `v:"x"`).
 */
export interface Leaf {
  /** The path as conflict messages print it. */
  path: string;
  /** FieldsV1 keys from the root to the leaf. */
  segs: string[];
  value: Json;
}

/**
 * Defaults of list-map key fields, applied when a body leaves them out (structured-merge-diff
 * uses the defaulted value: a Service port without `protocol` is `protocol: TCP`).
 */
export const KEY_DEFAULTS: Record<string, Json> = { protocol: 'TCP' };

/** Every leaf of `value` (metadata system fields excluded), following the schema's list keys. */
export function leaves(value: Json, schema: Schema | undefined): Leaf[] {
  const out: Leaf[] = [];
  walk(value, schema, { path: '', segs: [] }, out);
  return out.filter(
    (l) =>
      !['apiVersion', 'kind'].includes(l.path.slice(1)) &&
      !/^\.metadata\.(name|namespace|uid|resourceVersion|generation|creationTimestamp|managedFields|selfLink)/.test(
        l.path,
      ),
  );
}

function walk(
  v: Json,
  s: Schema | undefined,
  at: { path: string; segs: string[] },
  out: Leaf[],
): void {
  if (
    isObject(v) &&
    Object.keys(v).length > 0 &&
    (s === undefined || s.t === 'object' || s.t === 'map')
  ) {
    for (const [k, item] of Object.entries(v))
      walk(item, fieldSchema(s, k), { path: `${at.path}.${k}`, segs: [...at.segs, `f:${k}`] }, out);
    return;
  }
  if (Array.isArray(v) && s?.t === 'list' && s.merge !== undefined && v.length > 0) {
    for (const item of v) {
      if (s.merge === 'set') {
        out.push({
          path: `${at.path}[=${JSON.stringify(item)}]`,
          segs: [...at.segs, `v:${JSON.stringify(item)}`],
          value: item,
        });
        continue;
      }
      const o: JsonObject = isObject(item) ? item : {};
      const valueOf = (k: string): Json | undefined => o[k] ?? KEY_DEFAULTS[k];
      const keys = (s.mapKeys ?? [s.merge.key]).filter((k) => valueOf(k) !== undefined);
      const key: JsonObject = Object.fromEntries(keys.map((k) => [k, valueOf(k) ?? null]));
      const text = keys.map((k) => `${k}=${JSON.stringify(key[k])}`).join(',');
      walk(
        item,
        s.items,
        { path: `${at.path}[${text}]`, segs: [...at.segs, `k:${JSON.stringify(key)}`] },
        out,
      );
    }
    return;
  }
  out.push({ ...at, value: v });
}

/** FieldsV1 of a set of leaves: nested keys, `.: {}` marking a field that has children. */
export function fieldsV1(owned: readonly Leaf[]): JsonObject {
  const root: JsonObject = {};
  for (const leaf of owned) {
    let node = root;
    leaf.segs.forEach((seg, i) => {
      const next = (node[seg] as JsonObject | undefined) ?? {};
      node[seg] = next;
      if (i < leaf.segs.length - 1) next['.'] = {};
      node = next;
    });
  }
  return root;
}

/** One field another manager owns with a different value than the one applied. */
export interface Conflict {
  manager: string;
  apiVersion: string;
  path: string;
}

/** kube-apiserver's 409 for apply conflicts: its message, and one cause per field. */
export function conflictError(found: readonly Conflict[]): ApiError {
  const who = (f: Conflict): string => `"${f.manager}" using ${f.apiVersion}`;
  let message: string;
  if (found.length === 1) {
    const f = found[0] as Conflict;
    message = `Apply failed with 1 conflict: conflict with ${who(f)}: ${f.path}`;
  } else {
    const managers = [...new Set(found.map(who))];
    const lines = managers.flatMap((m) => [
      `conflicts with ${m}:`,
      ...found.filter((f) => who(f) === m).map((f) => `- ${f.path}`),
    ]);
    message = `Apply failed with ${found.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, {
    causes: found.map((f) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${who(f)}`,
      field: f.path,
    })),
  });
}

function secondsTime(text: string): string {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : rfc3339(d);
}

/** The FieldsV1 key paths of a set's fields that have no children ('.' marks a parent). */
function fieldPaths(node: JsonObject, at: string[]): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(node)) {
    if (k === '.') continue;
    const children = isObject(v) ? Object.keys(v).filter((c) => c !== '.') : [];
    if (children.length === 0 || !isObject(v)) out.push([...at, k]);
    else out.push(...fieldPaths(v, [...at, k]));
  }
  return out;
}

/** A key path with `k:` keys in one order, as clients may re-encode them (client-go sorts). */
function canonical(segs: readonly string[]): string {
  return segs
    .map((seg) => {
      if (!seg.startsWith('k:')) return seg;
      try {
        const key = JSON.parse(seg.slice(2)) as JsonObject;
        return `k:${JSON.stringify(Object.fromEntries(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : 1))))}`;
      } catch {
        return seg;
      }
    })
    .join('\u0000');
}

interface Ownership {
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fields: Map<string, Leaf>;
}

/** The managers of one object and the fields each owns. */
export class FieldOwners {
  private readonly byManager = new Map<string, Ownership>();

  isEmpty(): boolean {
    return this.byManager.size === 0;
  }

  /** The fields `manager` owns. */
  fieldsOf(manager: string): Leaf[] {
    return [...(this.byManager.get(manager)?.fields.values() ?? [])];
  }

  /** The paths some manager owns. */
  ownedPaths(): Set<string> {
    return new Set([...this.byManager.values()].flatMap((o) => [...o.fields.keys()]));
  }

  /** A copy to change, kept only when the write succeeds. */
  copy(): FieldOwners {
    const c = new FieldOwners();
    for (const [m, o] of this.byManager) c.byManager.set(m, { ...o, fields: new Map(o.fields) });
    return c;
  }

  /** The applied leaves whose value differs from the live object's. */
  static changed(applied: readonly Leaf[], live: readonly Leaf[]): Leaf[] {
    const liveValue = new Map(live.map((l) => [l.path, l.value]));
    return applied.filter(
      (l) => !liveValue.has(l.path) || !jsonEqual(liveValue.get(l.path), l.value),
    );
  }

  /** The applied leaves whose values differ from live values other managers own. */
  conflicts(manager: string, applied: readonly Leaf[], live: readonly Leaf[]): Conflict[] {
    const liveValue = new Map(live.map((l) => [l.path, l.value]));
    const found: Conflict[] = [];
    for (const leaf of applied) {
      if (jsonEqual(liveValue.get(leaf.path), leaf.value)) continue;
      for (const [other, o] of this.byManager) {
        if (other !== manager && o.fields.has(leaf.path))
          found.push({ manager: other, apiVersion: o.apiVersion, path: leaf.path });
      }
    }
    return found;
  }

  /**
   * Owners read back from the `metadata.managedFields` a client sent (kubectl's migration of
   * client-side apply sends them in a JSON patch): kube-apiserver takes a request's managed
   * fields when they decode. Fields are matched to `present`, the leaves of the new object;
   * undefined when an entry does not decode (the live owners are kept then).
   */
  static fromManagedFields(entries: Json, present: readonly Leaf[]): FieldOwners | undefined {
    if (!Array.isArray(entries)) return undefined;
    const byCanonical = new Map(present.map((l) => [canonical(l.segs), l]));
    const owners = new FieldOwners();
    for (const e of entries) {
      if (!isObject(e) || typeof e['manager'] !== 'string' || !isObject(e['fieldsV1']))
        return undefined;
      const { manager } = e;
      const fields = owners.byManager.get(manager)?.fields ?? new Map<string, Leaf>();
      for (const segs of fieldPaths(e['fieldsV1'], [])) {
        const leaf = byCanonical.get(canonical(segs));
        if (leaf !== undefined) fields.set(leaf.path, leaf);
      }
      if (fields.size === 0) continue;
      owners.byManager.set(manager, {
        operation: e['operation'] === 'Apply' ? 'Apply' : 'Update',
        apiVersion: typeof e['apiVersion'] === 'string' ? e['apiVersion'] : '',
        // Stored as the API server writes it (RFC 3339, seconds): clients re-encode times.
        time: typeof e['time'] === 'string' ? secondsTime(e['time']) : '',
        fields,
      });
    }
    return owners;
  }

  /** `manager` now owns `fields` (and other managers lose those it takes by change or force). */
  take(opts: {
    manager: string;
    operation: 'Apply' | 'Update';
    apiVersion: string;
    time: string;
    fields: readonly Leaf[];
    /** Fields other managers lose: an Update's changes, a forced apply's conflicts. */
    takenFrom: readonly Leaf[];
    /** An apply's set replaces the manager's previous one. */
    replace: boolean;
  }): void {
    const mine = this.byManager.get(opts.manager);
    const fields =
      opts.replace || mine === undefined ? new Map<string, Leaf>() : new Map(mine.fields);
    for (const f of opts.fields) fields.set(f.path, f);
    for (const [other, o] of this.byManager) {
      if (other === opts.manager) continue;
      for (const f of opts.takenFrom) o.fields.delete(f.path);
      if (o.fields.size === 0) this.byManager.delete(other);
    }
    const changed =
      mine === undefined ||
      mine.fields.size !== fields.size ||
      [...fields.keys()].some((k) => !mine.fields.has(k));
    if (fields.size === 0) this.byManager.delete(opts.manager);
    else
      this.byManager.set(opts.manager, {
        operation: opts.operation,
        apiVersion: opts.apiVersion,
        time: changed || mine === undefined ? opts.time : mine.time,
        fields,
      });
  }

  /** Drops the fields that are no longer in the object. */
  prune(live: readonly Leaf[]): void {
    const present = new Set(live.map((l) => l.path));
    for (const [m, o] of this.byManager) {
      for (const p of o.fields.keys()) if (!present.has(p)) o.fields.delete(p);
      if (o.fields.size === 0) this.byManager.delete(m);
    }
  }

  /** metadata.managedFields as the API server writes it. */
  managedFields(): Json[] {
    return [...this.byManager].map(([manager, o]) => ({
      manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      time: o.time,
      fieldsType: 'FieldsV1',
      fieldsV1: fieldsV1([...o.fields.values()]),
    }));
  }
}
