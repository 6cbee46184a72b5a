import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';
import { queryBool } from '../params.js';
import type { ResourceRequest } from '../routing.js';
import type { Store } from '../store.js';
import type { Attributes, Decision } from './rbac.js';
import { authorize, forbiddenMessage } from './rbac.js';
import type { Tokens, UserInfo } from './users.js';
import { parseServiceAccount, serviceAccountUser } from './users.js';

export type AuthorizationMode = 'AlwaysAllow' | 'RBAC';

/** One authorization decision, for tests that compare granted and used permissions. */
export interface AuthorizationRecord {
  user: string;
  attributes: Attributes;
  allowed: boolean;
}

export interface AuthConfig {
  mode: AuthorizationMode;
  tokens: Tokens;
  store: Store;
  onDecision?: (record: AuthorizationRecord) => void;
}

/** The verb of a resource request, as kube-apiserver's RequestInfo derives it. */
export function verbOf(method: string, r: ResourceRequest, q: URLSearchParams): string {
  const collection = r.name === undefined;
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (r.legacyWatch || queryBool(q, 'watch')) return 'watch';
      return collection ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

/**
 * Authentication then impersonation (`Impersonate-User`/`Impersonate-Group`, what kubectl's
 * `--as`/`--as-group` send; the requester needs the `impersonate` verb on users, groups or
 * the ServiceAccount), returning who the request acts as.
 */
export function requestUser(auth: AuthConfig, req: IncomingMessage): UserInfo {
  const requester = auth.tokens.authenticate(req);
  const as = req.headers['impersonate-user'];
  if (typeof as !== 'string' || as === '') return requester;
  const sa = parseServiceAccount(as);
  const check = (a: Attributes): void => {
    if (auth.mode !== 'RBAC') return;
    const d = authorize(auth.store, requester, a);
    if (!d.allowed)
      throw new ApiError(403, 'Forbidden', forbiddenMessage(requester, a, d.reason), {
        name: a.name ?? '',
        kind: a.resource,
      });
  };
  const attrs = (resource: string, name: string, namespace?: string): Attributes => ({
    verb: 'impersonate',
    group: '',
    resource,
    subresource: undefined,
    namespace,
    name,
  });
  check(sa === undefined ? attrs('users', as) : attrs('serviceaccounts', sa.name, sa.namespace));
  const header = req.headers['impersonate-group'];
  const groups = (Array.isArray(header) ? header : header === undefined ? [] : [header]).flatMap(
    (g) => g.split(','),
  );
  for (const g of groups) check(attrs('groups', g));
  const base =
    sa === undefined
      ? { username: as, groups: [] as string[] }
      : serviceAccountUser(sa.namespace, sa.name);
  return {
    username: base.username,
    groups: [...new Set([...base.groups, ...groups, 'system:authenticated'])],
  };
}

/** RBAC mode: refuses a resource request no Role or ClusterRole grants, with kube-apiserver's 403. */
export function authorizeResource(auth: AuthConfig, user: UserInfo, a: Attributes): void {
  if (auth.mode !== 'RBAC') return;
  const d: Decision = authorize(auth.store, user, a);
  auth.onDecision?.({ user: user.username, attributes: a, allowed: d.allowed });
  if (!d.allowed) {
    throw new ApiError(403, 'Forbidden', forbiddenMessage(user, a, d.reason), {
      ...(a.name === undefined ? {} : { name: a.name }),
      ...(a.group === '' ? {} : { group: a.group }),
      kind: a.resource,
    });
  }
}
