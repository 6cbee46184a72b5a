import { badRequest } from './errors.js';
import type { Json, JsonObject } from './json.js';
import { isObject } from './json.js';
import { parseKubeTime } from './validation/time.js';

/**
 * A small description of the fields the sandbox knows, one per kind. The one description
 * drives strict field validation (unknown fields), strategic-merge patch keys and the
 * OpenAPI v3 documents kubectl reads, so the three can never disagree.
 */
export type Schema =
  | {
      t:
        | 'string'
        | 'integer'
        | 'boolean'
        | 'number'
        | 'int-or-string'
        | 'quantity'
        | 'time'
        | 'microtime';
    }
  | { t: 'object'; fields: Record<string, Schema> }
  | { t: 'map'; values: Schema }
  | {
      t: 'list';
      items: Schema;
      /** Strategic merge: the key that identifies an item (`port`, `type`), or 'set' for primitives. */
      merge?: { key: string } | 'set';
      /** Structured-merge list map keys (server-side apply); defaults to the merge key. */
      mapKeys?: string[];
    }
  | { t: 'any' };

export const S = {
  str: { t: 'string' } as Schema,
  int: { t: 'integer' } as Schema,
  bool: { t: 'boolean' } as Schema,
  num: { t: 'number' } as Schema,
  intOrStr: { t: 'int-or-string' } as Schema,
  quantity: { t: 'quantity' } as Schema,
  time: { t: 'time' } as Schema,
  microTime: { t: 'microtime' } as Schema,
  any: { t: 'any' } as Schema,
  obj: (fields: Record<string, Schema>): Schema => ({ t: 'object', fields }),
  map: (values: Schema): Schema => ({ t: 'map', values }),
  list: (items: Schema, merge?: { key: string; mapKeys?: string[] } | 'set'): Schema => {
    if (merge === undefined) return { t: 'list', items };
    if (merge === 'set') return { t: 'list', items, merge };
    return {
      t: 'list',
      items,
      merge: { key: merge.key },
      ...(merge.mapKeys === undefined ? {} : { mapKeys: merge.mapKeys }),
    };
  },
};

/** The schema of a field of an object schema, or `any` when the schema does not say. */
export function fieldSchema(s: Schema | undefined, field: string): Schema | undefined {
  if (s === undefined) return undefined;
  if (s.t === 'object') return s.fields[field];
  if (s.t === 'map') return s.values;
  if (s.t === 'any') return s;
  return undefined;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '' || v === 'Warn') return 'Warn';
  if (v === 'Strict' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got "${v}"`);
}

/**
 * Drops fields the schema does not know (as decoding into the API's types does) and returns
 * their paths. Throws 400 when a known field has the wrong JSON type, worded like the API
 * server's decoding error.
 */
export function pruneUnknown(
  value: JsonObject,
  schema: Schema,
  kind: string,
  version: string,
): string[] {
  const unknown: string[] = [];
  walk(value, schema, '', {
    unknown,
    prefix: `${kind} in version "${version}" cannot be handled as a ${kind}`,
  });
  return unknown;
}

/**
 * `found.unknown` collects the paths of dropped fields; `found.prefix` starts type errors.
 * Returns the value as decoded: times come back normalised (UTC, the API server's format).
 */
function walk(
  v: Json,
  s: Schema,
  path: string,
  found: { unknown: string[]; prefix: string },
): Json {
  if (v === null) return v;
  const wrong = (want: string): never => {
    const got = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;
    throw badRequest(
      `${found.prefix}: json: cannot unmarshal ${got} into Go value ${path} of type ${want}`,
    );
  };
  switch (s.t) {
    case 'any':
      return v;
    case 'string':
      if (typeof v !== 'string') wrong('string');
      return v;
    case 'time':
    case 'microtime': {
      if (typeof v !== 'string') return wrong('string');
      const parsed = parseKubeTime(v, s.t === 'microtime');
      if (!parsed.ok) throw badRequest(`${found.prefix}: ${parsed.error}`);
      return parsed.value;
    }
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) wrong('int32');
      return v;
    case 'number':
      if (typeof v !== 'number') wrong('float64');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') wrong('bool');
      return v;
    case 'int-or-string':
    case 'quantity':
      if (typeof v !== 'string' && typeof v !== 'number') wrong('intstr.IntOrString');
      return v;
    case 'list':
      if (!Array.isArray(v)) return wrong('[]');
      v.forEach((item, i) => (v[i] = walk(item, s.items, `${path}[${i}]`, found)));
      return v;
    case 'map':
      if (!isObject(v)) return wrong('map');
      for (const [k, item] of Object.entries(v)) v[k] = walk(item, s.values, `${path}.${k}`, found);
      return v;
    case 'object':
      if (!isObject(v)) return wrong('struct');
      for (const [k, item] of Object.entries(v)) {
        const sub = s.fields[k];
        const p = path ? `${path}.${k}` : k;
        if (sub === undefined) {
          found.unknown.push(p);
          delete v[k];
        } else {
          v[k] = walk(item, sub, p, found);
        }
      }
      return v;
  }
}

/**
 * Drops empty maps and lists, as Go's `omitempty` does when the API server encodes an
 * object: a patch that deletes the last annotation leaves no `annotations: {}` behind.
 */
export function dropEmpty(value: Json, schema: Schema): void {
  if (schema.t !== 'object' || !isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const sub = schema.fields[k];
    if (sub === undefined) continue;
    if (sub.t === 'object') dropEmpty(v, sub);
    else if (sub.t === 'list' && Array.isArray(v)) {
      if (v.length === 0) delete value[k];
      else v.forEach((item) => dropEmpty(item, sub.items));
    } else if (sub.t === 'map' && isObject(v) && Object.keys(v).length === 0) delete value[k];
  }
}
