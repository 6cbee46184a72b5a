import type { JsonObject } from './json.js';

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

/** The review as created: the request's spec with the sandbox's answer as status. */
export function answerReview(r: ReviewDef, body: JsonObject): JsonObject {
  return {
    apiVersion: `${r.group}/${r.version}`,
    kind: r.kind,
    metadata: { creationTimestamp: null },
    spec: body['spec'] ?? {},
    status: r.status,
  };
}
