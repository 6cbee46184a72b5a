import { badRequest } from './errors.js';
import type { Json, KObject } from './json.js';
import { clone, isObject, str } from './json.js';
import type { WriteOptions } from './registry.js';
import type { ResourceDef } from './resources.js';
import { apiVersionOf, fromWire } from './resources.js';
import { dropEmpty, pruneUnknown } from './schema.js';

/** Turns a wire body into a storage-form object for this resource, or a 400 saying why not. */
export function decodeBody(
  def: ResourceDef,
  body: Json,
  ns: string | undefined,
  opts: WriteOptions,
): { obj: KObject; warnings: string[] } {
  if (!isObject(body)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
  const apiVersion = str(body['apiVersion']);
  if (apiVersion !== undefined && apiVersion !== apiVersionOf(def)) {
    throw badRequest(
      `the API version in the data (${apiVersion}) does not match the expected API version (${apiVersionOf(def)})`,
    );
  }
  const kind = str(body['kind']);
  if (kind !== undefined && kind !== def.kind) {
    throw badRequest(
      `the kind in the data (${kind}) does not match the expected kind (${def.kind})`,
    );
  }
  const o = clone(body) as KObject;
  if (!isObject(o['metadata'])) o['metadata'] = {};
  const unknown = pruneUnknown(o, def.schema, def.kind, def.version);
  if (unknown.length > 0 && opts.fieldValidation === 'Strict') {
    throw badRequest(
      `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
    );
  }
  dropEmpty(o, def.schema);
  const bodyNs = str(o.metadata['namespace']);
  if (def.namespaced) {
    if (bodyNs !== undefined && bodyNs !== '' && bodyNs !== ns) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (ns !== undefined) o.metadata['namespace'] = ns;
  } else delete o.metadata['namespace'];
  const stored = fromWire(def, o);
  stored['apiVersion'] = def.storage === 'events' ? 'v1' : apiVersionOf(def);
  stored['kind'] = def.kind;
  const warnings =
    opts.fieldValidation === 'Ignore' ? [] : unknown.map((f) => `unknown field "${f}"`);
  return { obj: stored, warnings };
}
