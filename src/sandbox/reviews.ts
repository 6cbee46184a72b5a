import type { AuthConfig } from './auth/gate.js';
import { authorize } from './auth/rbac.js';
import type { UserInfo } from './auth/users.js';
import type { JsonObject } from './json.js';
import { obj, str } from './json.js';

/**
 * The create-only review APIs kubectl uses to ask about permissions (`kubectl auth can-i`,
 * `kubectl auth whoami`). The sandbox has no authentication or authorization: the client is
 * anonymous and everything is allowed, which is what these answers say.
 */
export interface ReviewDef {
  group: string;
  version: string;
  resource: string;
  kind: string;
  status: JsonObject;
}

export const REVIEWS: readonly ReviewDef[] = [
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    status: {
      allowed: true,
      reason: 'the lbctl sandbox has no authorization: everything is allowed',
    },
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectrulesreviews',
    kind: 'SelfSubjectRulesReview',
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    },
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    resource: 'selfsubjectreviews',
    kind: 'SelfSubjectReview',
    status: { userInfo: { username: 'system:anonymous', groups: ['system:unauthenticated'] } },
  },
];

export const findReview = (
  group: string,
  version: string,
  resource: string,
): ReviewDef | undefined =>
  REVIEWS.find((r) => r.group === group && r.version === version && r.resource === resource);

/**
 * The review as created: the request's spec with the answer as status. Who is asking is the
 * authenticated (or impersonated) user; with RBAC on, an access review is RBAC's decision.
 */
export function answerReview(
  r: ReviewDef,
  body: JsonObject,
  ctx: { user: UserInfo; auth: AuthConfig },
): JsonObject {
  const spec = obj(body['spec']) ?? {};
  let status = r.status;
  if (r.resource === 'selfsubjectreviews') {
    status = { userInfo: { username: ctx.user.username, groups: ctx.user.groups } };
  } else if (r.resource === 'selfsubjectaccessreviews' && ctx.auth.mode === 'RBAC') {
    const ra = obj(spec['resourceAttributes']) ?? {};
    const sub = str(ra['subresource']) ?? '';
    const d = authorize(ctx.auth.store, ctx.user, {
      verb: str(ra['verb']) ?? '',
      group: str(ra['group']) ?? '',
      resource: str(ra['resource']) ?? '',
      subresource: sub === '' ? undefined : sub,
      namespace: str(ra['namespace']) || undefined,
      name: str(ra['name']) || undefined,
    });
    status = { allowed: d.allowed, ...(d.reason === '' ? {} : { reason: d.reason }) };
  }
  return {
    apiVersion: `${r.group}/${r.version}`,
    kind: r.kind,
    metadata: { creationTimestamp: null },
    spec,
    status,
  };
}
