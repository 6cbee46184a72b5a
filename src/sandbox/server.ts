import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { coreVersions, group, groupList, resourceList, version } from './discovery.js';
import { asApiError, methodNotAllowed, unknownPath } from './errors.js';
import type { HandlerDeps } from './handlers.js';
import { handleResource } from './handlers.js';
import { checkAcceptable, sendError, sendJson } from './http.js';
import type { JsonObject } from './json.js';
import { openapiDocument, openapiIndex } from './openapi.js';
import { openapiV2 } from './openapi-v2.js';
import { route } from './routing.js';
import { findReview } from './reviews.js';
import { authorizeResource, requestUser, verbOf } from './auth/gate.js';

export interface ServerDeps extends HandlerDeps {
  /** `127.0.0.1:PORT`, for the `/api` answer. */
  serverAddress: () => string;
  /** Called with every request line and status, for tests that count requests. */
  onRequest?: (entry: { method: string; url: string; code: number }) => void;
}

/** The HTTP entry: routes every request and turns every failure into a Status object. */
export function createListener(deps: ServerDeps): RequestListener {
  return (req, res) => {
    res.on('finish', () =>
      deps.onRequest?.({ method: req.method ?? '', url: req.url ?? '', code: res.statusCode }),
    );
    dispatch(deps, req, res).catch((e: unknown) => sendError(res, asApiError(e)));
  };
}

async function dispatch(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const r = route(url.pathname);
  const user = requestUser(deps.auth, req);
  if (r.kind === 'resource') {
    checkAcceptable(req.headers.accept);
    // Reviews are every authenticated user's (system:basic-user); the rest is RBAC's to decide.
    if (findReview(r.group, r.version, r.resource) === undefined) {
      authorizeResource(deps.auth, user, {
        verb: verbOf(req.method ?? 'GET', r, url.searchParams),
        group: r.group,
        resource: r.resource,
        subresource: r.subresource,
        namespace: r.resource === 'namespaces' && r.group === '' ? r.name : r.namespace,
        name: r.name,
      });
    }
    return handleResource({ deps, route: r, req, res, url, user });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
  const found = (body: JsonObject | undefined): void => {
    if (body === undefined) throw unknownPath();
    sendJson(res, 200, body);
  };
  switch (r.kind) {
    case 'version':
      return found(version());
    case 'core-versions':
      return found(coreVersions(deps.serverAddress()));
    case 'groups':
      return found(groupList());
    case 'group':
      return found(group(r.group));
    case 'resource-list':
      return found(resourceList(r.group, r.version));
    case 'openapi-index':
      return found(openapiIndex());
    case 'openapi-doc':
      return found(openapiDocument(r.gv));
    case 'health':
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    case 'openapi-v2': {
      const doc = openapiV2();
      res.writeHead(200, {
        'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
        'Content-Length': String(doc.length),
      });
      res.end(doc);
      return;
    }
    case 'unknown':
      throw unknownPath();
  }
}
