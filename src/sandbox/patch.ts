import { ApiError, badRequest } from './errors.js';
import type { Json, JsonObject } from './json.js';
import { clone, isObject, jsonEqual } from './json.js';
import type { Schema } from './schema.js';
import { fieldSchema } from './schema.js';

/** RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else replaces. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const unprocessable = (message: string): ApiError => new ApiError(422, 'Invalid', message);

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function jsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const op of patch) {
    if (!isObject(op) || typeof op['op'] !== 'string' || typeof op['path'] !== 'string') {
      throw badRequest(`invalid JSON patch operation: ${JSON.stringify(op)}`);
    }
    const path = op['path'];
    switch (op['op']) {
      case 'add':
        doc = put(doc, path, required(op, 'value'), 'add');
        break;
      case 'replace':
        get(doc, path);
        doc = put(doc, path, required(op, 'value'), 'replace');
        break;
      case 'remove':
        get(doc, path);
        doc = remove(doc, path);
        break;
      case 'move': {
        const from = String(op['from']);
        const v = get(doc, from);
        doc = put(remove(doc, from), path, v, 'add');
        break;
      }
      case 'copy':
        doc = put(doc, path, clone(get(doc, String(op['from']))), 'add');
        break;
      case 'test':
        if (!jsonEqual(get(doc, path), required(op, 'value'))) {
          throw unprocessable(`testing value ${path} failed: test failed`);
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${op['op']}`);
    }
  }
  return doc;
}

function required(op: JsonObject, field: string): Json {
  const v = op[field];
  if (v === undefined) throw badRequest(`missing value for operation ${JSON.stringify(op)}`);
  return v;
}

const tokens = (path: string): string[] =>
  path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));

function get(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const t of tokens(path)) {
    const next: Json | undefined = Array.isArray(cur)
      ? cur[Number(t)]
      : isObject(cur)
        ? cur[t]
        : undefined;
    if (next === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
    cur = next;
  }
  return cur;
}

function parentOf(doc: Json, path: string): { parent: Json; last: string } {
  const ts = tokens(path);
  const last = ts.pop();
  if (last === undefined) throw unprocessable(`unable to operate on the document root: "${path}"`);
  const parentPath = ts.map((t) => '/' + t.replaceAll('~', '~0').replaceAll('/', '~1')).join('');
  return { parent: get(doc, parentPath), last };
}

function put(doc: Json, path: string, value: Json, mode: 'add' | 'replace'): Json {
  if (path === '') return clone(value);
  const { parent, last } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length)
      throw unprocessable(`invalid index ${last} in "${path}"`);
    if (mode === 'add') parent.splice(i, 0, clone(value));
    else parent[i] = clone(value);
  } else if (isObject(parent)) {
    parent[last] = clone(value);
  } else throw unprocessable(`doc is missing path: "${path}"`);
  return doc;
}

function remove(doc: Json, path: string): Json {
  const { parent, last } = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isObject(parent)) delete parent[last];
  return doc;
}

const ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/**
 * Strategic merge patch as kubectl's client-side apply and `kubectl patch` send it: lists
 * with a patch merge key (Service ports by `port`, Node conditions and addresses by `type`)
 * merge item by item, `$patch: delete|replace`, `$setElementOrder/…`, `$retainKeys` and
 * `$deleteFromPrimitiveList/…` directives are honoured; lists without a key are replaced.
 */
export function strategicMerge(
  original: Json | undefined,
  patch: Json,
  schema: Schema | undefined,
): Json | undefined {
  if (!isObject(patch)) return clone(patch);
  const directive = patch['$patch'];
  if (directive === 'replace') return withoutDirectives(patch);
  if (directive === 'delete') return undefined;
  if (directive !== undefined) throw badRequest(`Unknown patch type: ${JSON.stringify(directive)}`);
  let out: JsonObject = isObject(original) ? { ...original } : {};
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    out = Object.fromEntries(Object.entries(out).filter(([k]) => retain.includes(k)));
  }
  const orders: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(ORDER)) {
      if (Array.isArray(v)) orders.push([k.slice(ORDER.length), v]);
    } else if (k.startsWith(DELETE_FROM)) {
      const field = k.slice(DELETE_FROM.length);
      const list = out[field];
      if (Array.isArray(list) && Array.isArray(v))
        out[field] = list.filter((x) => !v.some((d) => jsonEqual(x, d)));
    } else if (k === '$retainKeys') {
      continue;
    } else if (v === null) {
      delete out[k];
    } else {
      const sub = fieldSchema(schema, k);
      const merged = sub?.t === 'list' ? mergeList(out[k], v, sub) : strategicMerge(out[k], v, sub);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  for (const [field, order] of orders) {
    const list = out[field];
    const sub = fieldSchema(schema, field);
    if (Array.isArray(list) && sub?.t === 'list') out[field] = reorder(list, order, sub);
  }
  return out;
}

function withoutDirectives(o: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('$'))) as JsonObject;
}

function mergeList(
  original: Json | undefined,
  patch: Json,
  schema: Extract<Schema, { t: 'list' }>,
): Json {
  if (!Array.isArray(patch))
    throw badRequest(`expected a list for a list field, got ${JSON.stringify(patch)}`);
  const base = Array.isArray(original) ? [...original] : [];
  if (schema.merge === undefined)
    return patch.filter((x) => !(isObject(x) && '$patch' in x)).map(clone);
  if (patch.some((x) => isObject(x) && x['$patch'] === 'replace')) {
    return patch.filter((x) => !(isObject(x) && x['$patch'] === 'replace')).map(clone);
  }
  if (schema.merge === 'set') {
    for (const x of patch) if (!base.some((b) => jsonEqual(b, x))) base.push(clone(x));
    return base;
  }
  const key = schema.merge.key;
  for (const item of patch) {
    if (!isObject(item))
      throw badRequest(
        `expected a map in the list merged by "${key}", got ${JSON.stringify(item)}`,
      );
    const i = base.findIndex((b) => isObject(b) && jsonEqual(b[key], item[key]));
    if (item['$patch'] === 'delete') {
      if (i >= 0) base.splice(i, 1);
      continue;
    }
    const merged = strategicMerge(i >= 0 ? base[i] : undefined, item, schema.items);
    if (merged === undefined) continue;
    if (i >= 0) base[i] = merged;
    else base.push(merged);
  }
  return base;
}

function reorder(list: Json[], order: Json[], schema: Extract<Schema, { t: 'list' }>): Json[] {
  const keyOf = (x: Json): Json | undefined =>
    schema.merge !== undefined && schema.merge !== 'set' && isObject(x) ? x[schema.merge.key] : x;
  const rank = (x: Json): number => {
    const i = order.findIndex((o) => jsonEqual(keyOf(o), keyOf(x)));
    return i < 0 ? order.length : i;
  };
  return list
    .map((x, i) => ({ x, i }))
    .sort((a, b) => rank(a.x) - rank(b.x) || a.i - b.i)
    .map((e) => e.x);
}
