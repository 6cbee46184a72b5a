import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApplyConfigs } from './apply.js';
import { badRequest, methodNotAllowed, statusObject, unknownPath } from './errors.js';
import { mediaType, parseBody, readBody, sendJson, wantsTable } from './http.js';
import type { JsonObject, KObject } from './json.js';
import { isObject, obj, str } from './json.js';
import { patch } from './patch-handler.js';
import type { Registry } from './registry.js';
import type { ResourceDef } from './resources.js';
import { apiVersionOf, findResource } from './resources.js';
import { includeObjectOf, writeOptions } from './params.js';
import { answerReview, findReview } from './reviews.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { toTable } from './tables.js';
import type { WatchHub } from './watch.js';

export interface ResourceRequest {
  group: string;
  version: string;
  resource: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  legacyWatch: boolean;
}

export interface HandlerDeps {
  registry: Registry;
  hub: WatchHub;
  applyConfigs: ApplyConfigs;
  now: () => Date;
}

/** Serves one request on a resource path: the REST verbs of the API server. */
export async function handleResource(
  deps: HandlerDeps,
  r: ResourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const review = findReview(r.group, r.version, r.resource);
  if (review !== undefined) {
    if (r.name !== undefined || r.namespace !== undefined) throw unknownPath();
    if (req.method !== 'POST') throw methodNotAllowed();
    const type = req.headers['content-type'] ?? '';
    const raw = await readBody(req);
    // The answer does not depend on the question: protobuf reviews are not decoded.
    const body =
      mediaType(type) === 'application/vnd.kubernetes.protobuf' ? {} : parseBody(raw, type);
    return sendJson(res, 201, answerReview(review, isObject(body) ? body : {}));
  }
  const def = findResource(r.group, r.version, r.resource);
  if (def === undefined) throw unknownPath();
  if (def.namespaced && r.name !== undefined && r.namespace === undefined) throw unknownPath();
  if (!def.namespaced && r.namespace !== undefined) throw unknownPath();
  if (r.subresource !== undefined && !(r.subresource === 'status' && def.hasStatus))
    throw unknownPath();
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  const isWatch = r.legacyWatch || q.get('watch') === 'true' || q.get('watch') === '1';
  if (method === 'GET' && isWatch) return watch(deps, def, r, req, res, q);
  if (r.name === undefined) {
    if (method === 'GET') return list(deps, def, r.namespace, req, res, q);
    if (method === 'POST') {
      if (def.namespaced && r.namespace === undefined) throw methodNotAllowed();
      const body = parseBody(await readBody(req), req.headers['content-type'] ?? '');
      const { object, warnings } = deps.registry.create(def, r.namespace, body, writeOptions(q));
      return sendJson(res, 201, object, warnings);
    }
    if (method === 'DELETE') return deleteCollection(deps, def, r.namespace, res, q);
    throw methodNotAllowed();
  }
  const name = r.name;
  const status = r.subresource === 'status';
  switch (method) {
    case 'GET': {
      const o = deps.registry.get(def, r.namespace, name);
      if (wantsTable(req.headers.accept)) {
        return sendJson(res, 200, table(deps, def, [o], String(o.metadata['resourceVersion']), q));
      }
      return sendJson(res, 200, o);
    }
    case 'PUT': {
      const body = parseBody(await readBody(req), req.headers['content-type'] ?? '');
      const { object, warnings } = deps.registry.update(def, r.namespace, name, body, {
        ...writeOptions(q),
        status,
      });
      return sendJson(res, 200, object, warnings);
    }
    case 'PATCH':
      return patch(deps, def, { namespace: r.namespace, name, status }, req, res, q);
    case 'DELETE': {
      const raw = await readBody(req);
      const options =
        raw.toString('utf8').trim() === ''
          ? {}
          : parseBody(raw, req.headers['content-type'] ?? 'application/json');
      const pre = obj(isObject(options) ? options['preconditions'] : undefined);
      const dryRun =
        q.getAll('dryRun').includes('All') ||
        (isObject(options) && JSON.stringify(options['dryRun'] ?? []).includes('All'));
      const { object, gone } = deps.registry.delete(def, r.namespace, name, {
        dryRun,
        preconditions: {
          ...(str(pre?.['uid']) === undefined ? {} : { uid: str(pre?.['uid']) as string }),
          ...(str(pre?.['resourceVersion']) === undefined
            ? {}
            : { resourceVersion: str(pre?.['resourceVersion']) as string }),
        },
      });
      if (gone && def.resource !== 'services' && def.resource !== 'namespaces') {
        return sendJson(
          res,
          200,
          statusObject({
            status: 'Success',
            code: 200,
            details: { name, ...(def.group ? { group: def.group } : {}), kind: def.resource },
          }),
        );
      }
      return sendJson(res, 200, object);
    }
    default:
      throw methodNotAllowed();
  }
}

function table(
  deps: HandlerDeps,
  def: ResourceDef,
  objects: KObject[],
  rv: string,
  q: URLSearchParams,
): JsonObject {
  return toTable({
    def,
    objects,
    now: deps.now(),
    resourceVersion: rv,
    includeObject: includeObjectOf(q),
  });
}

function list(
  deps: HandlerDeps,
  def: ResourceDef,
  ns: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
): void {
  const selected = both(
    parseLabelSelector(q.get('labelSelector')),
    parseFieldSelector(q.get('fieldSelector'), def),
  );
  const rv = String(deps.registry.store.resourceVersion);
  let items = deps.registry.list(def, ns, selected);
  const metadata: JsonObject = { resourceVersion: rv };
  const start = q.get('continue');
  if (start !== null && start !== '') {
    const after = decodeContinue(start);
    items = items.filter(
      (o) => `${str(o.metadata['namespace']) ?? ''}/${String(o.metadata['name'])}` > after,
    );
  }
  const limit = Number(q.get('limit') ?? '0');
  if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
    const last = items[limit - 1] as KObject;
    metadata['continue'] = Buffer.from(
      `${str(last.metadata['namespace']) ?? ''}/${String(last.metadata['name'])}`,
    ).toString('base64url');
    metadata['remainingItemCount'] = items.length - limit;
    items = items.slice(0, limit);
  }
  if (wantsTable(req.headers.accept)) {
    const t = table(deps, def, items, rv, q);
    t['metadata'] = metadata;
    return sendJson(res, 200, t);
  }
  sendJson(res, 200, { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata, items });
}

function decodeContinue(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.includes('/')) throw badRequest(`continue key is not valid: ${token}`);
  return text;
}

const both = (a: (o: KObject) => boolean, b: (o: KObject) => boolean) => (o: KObject) =>
  a(o) && b(o);

function watch(
  deps: HandlerDeps,
  def: ResourceDef,
  r: ResourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
): void {
  let fieldSelector = q.get('fieldSelector');
  if (r.name !== undefined)
    fieldSelector = [fieldSelector, `metadata.name=${r.name}`].filter(Boolean).join(',');
  const selected = both(
    parseLabelSelector(q.get('labelSelector')),
    parseFieldSelector(fieldSelector, def),
  );
  const rvText = q.get('resourceVersion') ?? '';
  const rv = rvText === '' || rvText === '0' ? undefined : Number(rvText);
  if (rv !== undefined && (!Number.isInteger(rv) || rv < 0)) {
    throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a non-negative integer`);
  }
  const timeout = q.get('timeoutSeconds');
  deps.hub.serve(res, {
    def,
    namespace: r.namespace,
    selected,
    resourceVersion: rv,
    bookmarks: q.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: q.get('sendInitialEvents') === 'true',
    timeoutMs: timeout === null ? undefined : Number(timeout) * 1000,
    table: wantsTable(req.headers.accept) ? { includeObject: includeObjectOf(q) } : undefined,
  });
}

function deleteCollection(
  deps: HandlerDeps,
  def: ResourceDef,
  ns: string | undefined,
  res: ServerResponse,
  q: URLSearchParams,
): void {
  const selected = both(
    parseLabelSelector(q.get('labelSelector')),
    parseFieldSelector(q.get('fieldSelector'), def),
  );
  const dryRun = q.getAll('dryRun').includes('All');
  const items = deps.registry.list(def, ns, selected).map(
    (o) =>
      deps.registry.delete(def, str(o.metadata['namespace']), String(o.metadata['name']), {
        dryRun,
      }).object,
  );
  sendJson(res, 200, {
    kind: `${def.kind}List`,
    apiVersion: apiVersionOf(def),
    metadata: { resourceVersion: String(deps.registry.store.resourceVersion) },
    items,
  });
}
