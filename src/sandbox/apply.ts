import { badRequest } from './errors.js';
import type { Json, JsonObject, KObject } from './json.js';
import { clone, isObject, jsonEqual } from './json.js';
import type { Schema } from './schema.js';
import { fieldSchema } from './schema.js';
import { FieldOwners } from './managed.js';

/**
 * Server-side apply: each field manager's last applied configuration is kept per object;
 * applying merges the new configuration into the live object (maps by key, lists with merge
 * keys item by item, other lists and scalars replaced) and removes the fields this manager
 * applied before but no longer sets. Field ownership (managed.ts) detects conflicts with
 * other managers and is written to `metadata.managedFields`.
 */
export class ApplyConfigs {
  private readonly last = new Map<string, Json>();
  private readonly owners = new Map<string, FieldOwners>();

  /** A working copy of the object's field owners (empty for a new object). */
  ownersOf(live: KObject | undefined): FieldOwners {
    const found = live === undefined ? undefined : this.owners.get(String(live.metadata['uid']));
    return found?.copy() ?? new FieldOwners();
  }

  /** Keeps the owners after a successful write of `object`. */
  keepOwners(object: KObject, owners: FieldOwners): void {
    this.owners.set(String(object.metadata['uid']), owners);
  }

  /** The object after applying `config` for `manager` over `live` (undefined: create). */
  merge(live: KObject | undefined, config: Json, manager: string, schema: Schema): KObject {
    if (!isObject(config) || !isObject(config['metadata'])) {
      throw badRequest('apply configuration must be an object with apiVersion, kind and metadata');
    }
    if (typeof config['apiVersion'] !== 'string' || typeof config['kind'] !== 'string') {
      throw badRequest('apiVersion and kind must be set in an apply configuration');
    }
    if (live === undefined) return clone(config) as KObject;
    const previous = this.last.get(this.key(live, manager));
    return applyFields(live, config, previous, schema) as KObject;
  }

  remember(object: KObject, manager: string, config: Json): void {
    this.last.set(this.key(object, manager), clone(config));
  }

  private key(o: KObject, manager: string): string {
    return `${String(o.metadata['uid'])}\u0000${manager}`;
  }
}

function applyFields(
  live: Json | undefined,
  config: Json,
  previous: Json | undefined,
  s: Schema | undefined,
): Json {
  if (isObject(config) && (s === undefined || s.t === 'object' || s.t === 'map' || s.t === 'any')) {
    const out: JsonObject = isObject(live) ? { ...live } : {};
    if (isObject(previous))
      for (const k of Object.keys(previous)) if (!(k in config)) delete out[k];
    for (const [k, v] of Object.entries(config)) {
      if (v === null) delete out[k];
      else
        out[k] = applyFields(
          out[k],
          v,
          isObject(previous) ? previous[k] : undefined,
          fieldSchema(s, k),
        );
    }
    return out;
  }
  if (Array.isArray(config) && s?.t === 'list' && s.merge !== undefined) {
    const out = Array.isArray(live) ? [...live] : [];
    const before = Array.isArray(previous) ? previous : [];
    if (s.merge === 'set') {
      const kept = out.filter(
        (x) => config.some((c) => jsonEqual(c, x)) || !before.some((b) => jsonEqual(b, x)),
      );
      for (const c of config) if (!kept.some((x) => jsonEqual(x, c))) kept.push(clone(c));
      return kept;
    }
    const key = s.merge.key;
    const keyOf = (x: Json): Json | undefined => (isObject(x) ? x[key] : undefined);
    const inConfig = (x: Json): boolean => config.some((c) => jsonEqual(keyOf(c), keyOf(x)));
    const result = out.filter(
      (x) => inConfig(x) || !before.some((b) => jsonEqual(keyOf(b), keyOf(x))),
    );
    for (const c of config) {
      const i = result.findIndex((x) => jsonEqual(keyOf(x), keyOf(c)));
      const prevItem = before.find((b) => jsonEqual(keyOf(b), keyOf(c)));
      const merged = applyFields(i >= 0 ? result[i] : undefined, c, prevItem, s.items);
      if (i >= 0) result[i] = merged;
      else result.push(merged);
    }
    return result;
  }
  return clone(config);
}
