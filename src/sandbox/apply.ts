import { badRequest } from './errors.js';
import type { Json, JsonObject, KObject } from './json.js';
import { clone, isObject, jsonEqual } from './json.js';
import type { Schema } from './schema.js';
import { fieldSchema } from './schema.js';
import { FieldOwners } from './managed.js';

/**
 * Server-side apply: applying merges the configuration into the live object (maps by key,
 * lists with merge keys item by item, other lists and scalars replaced); field ownership
 * (managed.ts) detects conflicts with other managers, is written to `metadata.managedFields`
 * and decides which fields a manager no longer applying them releases (prune.ts).
 */
export class ApplyConfigs {
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

  /** The object after merging `config` over `live` (undefined: create). */
  merge(live: KObject | undefined, config: Json, schema: Schema): KObject {
    if (!isObject(config) || !isObject(config['metadata'])) {
      throw badRequest('apply configuration must be an object with apiVersion, kind and metadata');
    }
    if (typeof config['apiVersion'] !== 'string' || typeof config['kind'] !== 'string') {
      throw badRequest('apiVersion and kind must be set in an apply configuration');
    }
    if (live === undefined) return clone(config) as KObject;
    // A copy throughout: pruning (prune.ts) edits the result, never the stored object.
    return applyFields(clone(live), config, schema) as KObject;
  }
}

function applyFields(live: Json | undefined, config: Json, s: Schema | undefined): Json {
  if (isObject(config) && (s === undefined || s.t === 'object' || s.t === 'map' || s.t === 'any')) {
    const out: JsonObject = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(config)) {
      if (v === null) delete out[k];
      else out[k] = applyFields(out[k], v, fieldSchema(s, k));
    }
    return out;
  }
  if (Array.isArray(config) && s?.t === 'list' && s.merge !== undefined) {
    const result = Array.isArray(live) ? [...live] : [];
    if (s.merge === 'set') {
      for (const c of config) if (!result.some((x) => jsonEqual(x, c))) result.push(clone(c));
      return result;
    }
    const key = s.merge.key;
    const keyOf = (x: Json): Json | undefined => (isObject(x) ? x[key] : undefined);
    for (const c of config) {
      const i = result.findIndex((x) => jsonEqual(keyOf(x), keyOf(c)));
      const merged = applyFields(i >= 0 ? result[i] : undefined, c, s.items);
      if (i >= 0) result[i] = merged;
      else result.push(merged);
    }
    return result;
  }
  return clone(config);
}
