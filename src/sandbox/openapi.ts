import { createHash } from 'node:crypto';
import type { JsonObject } from './json.js';
import type { ResourceDef } from './resources.js';
import { RESOURCES } from './resources.js';
import type { Schema } from './schema.js';

/**
 * A minimal OpenAPI v3: one document per group version with the paths and the schemas of
 * the kinds served. Enough for kubectl: it sees `fieldValidation` on the write operations
 * and so leaves validation to the server (which then refuses unknown fields itself), and
 * it finds patch merge keys for client-side apply in the schemas.
 */
export function openapiIndex(): JsonObject {
  const paths: JsonObject = {};
  for (const gv of groupVersions()) {
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hashOf(gv)}` };
  }
  return { paths };
}

/** The document for `api/v1` or `apis/<group>/<version>`; undefined when not served. */
export function openapiDocument(gv: string): JsonObject | undefined {
  const defs = RESOURCES.filter((d) => gvPath(d) === gv);
  if (defs.length === 0) return undefined;
  const paths: JsonObject = {};
  const schemas: JsonObject = {};
  for (const d of defs) {
    schemas[schemaName(d)] = {
      ...toOpenAPI(d.schema),
      'x-kubernetes-group-version-kind': [{ group: d.group, kind: d.kind, version: d.version }],
    };
    Object.assign(paths, pathsOf(d));
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

const gvPath = (d: ResourceDef): string =>
  d.group ? `apis/${d.group}/${d.version}` : `api/${d.version}`;
const groupVersions = (): string[] => [...new Set(RESOURCES.map(gvPath))];
const hashOf = (gv: string): string =>
  createHash('sha256')
    .update(JSON.stringify(openapiDocument(gv)))
    .digest('hex')
    .slice(0, 32)
    .toUpperCase();

const schemaName = (d: ResourceDef): string => {
  const pkg = d.group === '' ? 'core' : (d.group.split('.')[0] ?? d.group);
  return `io.k8s.api.${pkg}.${d.version}.${d.kind}`;
};

function pathsOf(d: ResourceDef): JsonObject {
  const gvk = { group: d.group, version: d.version, kind: d.kind };
  const ref = { $ref: `#/components/schemas/${schemaName(d)}` };
  const body = { content: { 'application/json': { schema: ref } } };
  const ok = {
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
  };
  const param = (name: string, where = 'query'): JsonObject => ({
    name,
    in: where,
    schema: { type: 'string' },
  });
  const write = [param('dryRun'), param('fieldManager'), param('fieldValidation')];
  const op = (action: string, extra: JsonObject = {}): JsonObject => ({
    operationId: `${action}${d.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...ok,
    ...extra,
  });
  const base = `/${gvPath(d)}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.resource}`;
  const scope = d.namespaced ? [param('namespace', 'path')] : [];
  const named = [...scope, param('name', 'path')];
  const item = {
    get: op('get'),
    put: op('put', { parameters: write, requestBody: body }),
    patch: op('patch', { parameters: [...write, param('force')], requestBody: body }),
    delete: op('delete', { parameters: [param('dryRun')] }),
    parameters: named,
  };
  return {
    [base]: {
      get: op('list'),
      post: op('post', { parameters: write, requestBody: body }),
      parameters: scope,
    },
    [`${base}/{name}`]: item,
    ...(d.hasStatus ? { [`${base}/{name}/status`]: item } : {}),
  };
}

function toOpenAPI(s: Schema): JsonObject {
  switch (s.t) {
    case 'string':
      return { type: 'string' };
    case 'time':
    case 'microtime':
      return { type: 'string', format: 'date-time' };
    case 'integer':
      return { type: 'integer', format: 'int32' };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'int-or-string':
    case 'quantity':
      return { 'x-kubernetes-int-or-string': true };
    case 'any':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    case 'map':
      return { type: 'object', additionalProperties: toOpenAPI(s.values) };
    case 'object':
      return {
        type: 'object',
        properties: Object.fromEntries(Object.entries(s.fields).map(([k, v]) => [k, toOpenAPI(v)])),
      };
    case 'list': {
      const items = toOpenAPI(s.items);
      if (s.merge === undefined)
        return { type: 'array', items, 'x-kubernetes-list-type': 'atomic' };
      if (s.merge === 'set')
        return {
          type: 'array',
          items,
          'x-kubernetes-list-type': 'set',
          'x-kubernetes-patch-strategy': 'merge',
        };
      return {
        type: 'array',
        items,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': s.mapKeys ?? [s.merge.key],
        'x-kubernetes-patch-merge-key': s.merge.key,
        'x-kubernetes-patch-strategy': 'merge',
      };
    }
  }
}
