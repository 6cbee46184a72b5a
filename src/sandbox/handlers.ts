import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApplyConfigs } from './apply.js';
import { badRequest, methodNotAllowed, statusObject, unknownPath } from './errors.js';
import { mediaType, parseBody, readBody, sendJson, wantsTable } from './http.js';
import type { JsonObject, KObject } from './json.js';
import { isObject, obj, str } from './json.js';
import { includeObjectOf, queryBool, writeOptions } from './params.js';
import { ownUpdate, updateManager } from './field-manager.js';
import { patch } from './patch-handler.js';
import type { Registry } from './registry.js';
import type { ResourceDef } from './resources.js';
import { apiVersionOf, findResource } from './resources.js';
import { answerReview, findReview } from './reviews.js';
import type { AuthConfig } from './auth/gate.js';
import type { UserInfo } from './auth/users.js';
import { tokenRequest } from './auth/token-request.js';
import type { ResourceRequest } from './routing.js';
import type { Predicate } from './selectors.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { toTable } from './tables.js';
import type { WatchHub } from './watch.js';

export interface HandlerDeps {
  auth: AuthConfig;
  registry: Registry;
  hub: WatchHub;
  applyConfigs: ApplyConfigs;
  now: () => Date;
}

/** One request on a served resource, as every verb handler sees it. */
export interface Ctx {
  deps: HandlerDeps;
  def: ResourceDef;
  namespace: string | undefined;
  req: IncomingMessage;
  res: ServerResponse;
  q: URLSearchParams;
}

/** Serves one request on a resource path: the REST verbs of the API server. */
export async function handleResource(call: {
  deps: HandlerDeps;
  route: ResourceRequest;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  user: UserInfo;
}): Promise<void> {
  const { deps, route: r, req, res, url } = call;
  const review = findReview(r.group, r.version, r.resource);
  if (review !== undefined) {
    if (r.name !== undefined || r.namespace !== undefined) throw unknownPath();
    if (req.method !== 'POST') throw methodNotAllowed();
    const type = req.headers['content-type'] ?? '';
    const raw = await readBody(req);
    // SelfSubjectAccessReviews are decoded (RBAC answers them); other reviews need no question.
    const proto = mediaType(type) === 'application/vnd.kubernetes.protobuf';
    const body = proto && r.resource !== 'selfsubjectaccessreviews' ? {} : parseBody(raw, type);
    const question = isObject(body) ? body : {};
    return sendJson(res, 201, answerReview(review, question, { user: call.user, auth: deps.auth }));
  }
  const def = findResource(r.group, r.version, r.resource);
  if (def === undefined) throw unknownPath();
  if (def.namespaced && r.name !== undefined && r.namespace === undefined) throw unknownPath();
  if (!def.namespaced && r.namespace !== undefined) throw unknownPath();
  if (def.resource === 'serviceaccounts' && r.subresource === 'token') {
    if (req.method !== 'POST' || r.namespace === undefined || r.name === undefined)
      throw methodNotAllowed();
    const raw = await readBody(req);
    const body = raw.length === 0 ? {} : parseBody(raw, req.headers['content-type'] ?? '');
    const ref = { namespace: r.namespace, name: r.name };
    return sendJson(res, 201, tokenRequest(deps, ref, isObject(body) ? body : {}));
  }
  if (r.subresource !== undefined && !(r.subresource === 'status' && def.hasStatus))
    throw unknownPath();
  const ctx: Ctx = { deps, def, namespace: r.namespace, req, res, q: url.searchParams };
  const method = req.method ?? 'GET';
  const q = ctx.q;
  const isWatch = r.legacyWatch || queryBool(q, 'watch');
  if (method === 'GET' && isWatch) return watch(ctx, r.name);
  if (r.name === undefined) {
    if (method === 'GET') return list(ctx);
    if (method === 'POST') return create(ctx);
    if (method === 'DELETE') return deleteCollection(ctx);
    throw methodNotAllowed();
  }
  const ref = { namespace: r.namespace, name: r.name };
  const status = r.subresource === 'status';
  switch (method) {
    case 'GET': {
      const o = deps.registry.get(def, ref);
      if (!wantsTable(req.headers.accept)) return sendJson(res, 200, o);
      return sendJson(res, 200, table(ctx, [o], String(o.metadata['resourceVersion'])));
    }
    case 'PUT': {
      const body = parseBody(await readBody(req), req.headers['content-type'] ?? '');
      const opts = { ...writeOptions(q), status };
      const live = status ? undefined : existing(deps, def, ref);
      const owners = status
        ? undefined
        : ownUpdate({
            configs: deps.applyConfigs,
            def,
            live,
            body,
            manager: updateManager(q, req),
            now: deps.now(),
          });
      const { object, warnings, created } = deps.registry.update(def, ref, body, opts);
      if (owners !== undefined && opts.dryRun !== true)
        deps.applyConfigs.keepOwners(object, owners);
      return sendJson(res, created === true ? 201 : 200, object, warnings);
    }
    case 'PATCH':
      return patch(ctx, { ...ref, status });
    case 'DELETE':
      return deleteOne(ctx, r.name);
    default:
      throw methodNotAllowed();
  }
}

async function create(ctx: Ctx): Promise<void> {
  const { deps, def, req, res, q } = ctx;
  if (def.namespaced && ctx.namespace === undefined) throw methodNotAllowed();
  const body = parseBody(await readBody(req), req.headers['content-type'] ?? '');
  const opts = writeOptions(q);
  const manager = updateManager(q, req);
  const owners = ownUpdate({
    configs: deps.applyConfigs,
    def,
    live: undefined,
    body,
    manager,
    now: deps.now(),
  });
  const { object, warnings } = deps.registry.create(def, ctx.namespace, body, opts);
  if (owners !== undefined && opts.dryRun !== true) deps.applyConfigs.keepOwners(object, owners);
  sendJson(res, 201, object, warnings);
}

async function deleteOne(ctx: Ctx, name: string): Promise<void> {
  const { deps, def, req, res, q } = ctx;
  const raw = await readBody(req);
  const options =
    raw.toString('utf8').trim() === ''
      ? {}
      : parseBody(raw, req.headers['content-type'] ?? 'application/json');
  const pre = obj(isObject(options) ? options['preconditions'] : undefined);
  const uid = str(pre?.['uid']);
  const resourceVersion = str(pre?.['resourceVersion']);
  const dryRun =
    q.getAll('dryRun').includes('All') ||
    (isObject(options) && JSON.stringify(options['dryRun'] ?? []).includes('All'));
  const { object, gone } = deps.registry.delete(
    def,
    { namespace: ctx.namespace, name },
    {
      dryRun,
      preconditions: {
        ...(uid === undefined ? {} : { uid }),
        ...(resourceVersion === undefined ? {} : { resourceVersion }),
      },
    },
  );
  // Like the API server: Services and Namespaces answer with the object, the rest with a Status.
  if (gone && def.resource !== 'services' && def.resource !== 'namespaces') {
    const details = { name, ...(def.group ? { group: def.group } : {}), kind: def.resource };
    return sendJson(res, 200, statusObject({ status: 'Success', code: 200, details }));
  }
  sendJson(res, 200, object);
}

function table(ctx: Ctx, objects: KObject[], rv: string): JsonObject {
  return toTable({
    def: ctx.def,
    objects,
    now: ctx.deps.now(),
    resourceVersion: rv,
    includeObject: includeObjectOf(ctx.q),
  });
}

function selection(ctx: Ctx, fieldSelector = ctx.q.get('fieldSelector')): Predicate {
  const labels = parseLabelSelector(ctx.q.get('labelSelector'));
  const fields = parseFieldSelector(fieldSelector, ctx.def);
  return (o) => labels(o) && fields(o);
}

const position = (o: KObject): string =>
  `${str(o.metadata['namespace']) ?? ''}/${String(o.metadata['name'])}`;

function list(ctx: Ctx): void {
  const { deps, def, req, res, q } = ctx;
  const rv = String(deps.registry.store.resourceVersion);
  let items = deps.registry.list(def, ctx.namespace, selection(ctx));
  const metadata: JsonObject = { resourceVersion: rv };
  const start = q.get('continue');
  if (start !== null && start !== '') {
    const after = decodeContinue(start);
    items = items.filter((o) => position(o) > after);
  }
  const limit = Number(q.get('limit') ?? '0');
  if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
    const last = items[limit - 1] as KObject;
    metadata['continue'] = Buffer.from(position(last)).toString('base64url');
    metadata['remainingItemCount'] = items.length - limit;
    items = items.slice(0, limit);
  }
  if (wantsTable(req.headers.accept)) {
    return sendJson(res, 200, { ...table(ctx, items, rv), metadata });
  }
  sendJson(res, 200, { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata, items });
}

function decodeContinue(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.includes('/')) throw badRequest(`continue key is not valid: ${token}`);
  return text;
}

function watch(ctx: Ctx, name: string | undefined): void {
  const { deps, def, req, res, q } = ctx;
  const byName = name === undefined ? undefined : `metadata.name=${name}`;
  const fieldSelector = [q.get('fieldSelector'), byName].filter(Boolean).join(',');
  const rvText = q.get('resourceVersion') ?? '';
  const rv = rvText === '' || rvText === '0' ? undefined : Number(rvText);
  if (rv !== undefined && (!Number.isInteger(rv) || rv < 0)) {
    throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a non-negative integer`);
  }
  const timeout = q.get('timeoutSeconds');
  deps.hub.serve(res, {
    def,
    namespace: ctx.namespace,
    selected: selection(ctx, fieldSelector === '' ? null : fieldSelector),
    resourceVersion: rv,
    bookmarks: queryBool(q, 'allowWatchBookmarks'),
    sendInitialEvents: queryBool(q, 'sendInitialEvents'),
    timeoutMs: timeout === null ? undefined : Number(timeout) * 1000,
    table: wantsTable(req.headers.accept) ? { includeObject: includeObjectOf(q) } : undefined,
  });
}

function deleteCollection(ctx: Ctx): void {
  const { deps, def, res, q } = ctx;
  const dryRun = q.getAll('dryRun').includes('All');
  const items = deps.registry
    .list(def, ctx.namespace, selection(ctx))
    .map((o) => deps.registry.delete(def, refOf(o), { dryRun }).object);
  sendJson(res, 200, {
    kind: `${def.kind}List`,
    apiVersion: apiVersionOf(def),
    metadata: { resourceVersion: String(deps.registry.store.resourceVersion) },
    items,
  });
}

/** The stored object, or undefined when there is none (a PUT that creates). */
function existing(
  deps: HandlerDeps,
  def: ResourceDef,
  ref: { namespace: string | undefined; name: string },
): KObject | undefined {
  try {
    return deps.registry.get(def, ref);
  } catch {
    return undefined;
  }
}

const refOf = (o: KObject): { namespace: string | undefined; name: string } => ({
  namespace: str(o.metadata['namespace']),
  name: String(o.metadata['name']),
});
