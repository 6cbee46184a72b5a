import type { HandlerDeps } from '../handlers.js';
import type { JsonObject } from '../json.js';
import { obj } from '../json.js';
import type { ObjectRef } from '../registry.js';
import { resourceFor } from '../resources.js';
import { rfc3339 } from '../system-fields.js';
import { serviceAccountUser } from './users.js';

/**
 * `POST .../serviceaccounts/NAME/token` (TokenRequest, what `kubectl create token` sends):
 * a bearer token that authenticates as the ServiceAccount. The ServiceAccount must exist
 * (404 otherwise); expirationSeconds defaults to one hour and is reported, not enforced.
 */
export function tokenRequest(
  deps: HandlerDeps,
  ref: ObjectRef & { namespace: string },
  body: JsonObject,
): JsonObject {
  deps.registry.get(resourceFor('serviceaccounts'), ref);
  const spec = obj(body['spec']) ?? {};
  const seconds = typeof spec['expirationSeconds'] === 'number' ? spec['expirationSeconds'] : 3600;
  const now = deps.now();
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: ref.name, namespace: ref.namespace, creationTimestamp: rfc3339(now) },
    spec: { audiences: ['https://kubernetes.default.svc'], ...spec, expirationSeconds: seconds },
    status: {
      token: deps.auth.tokens.issue(serviceAccountUser(ref.namespace, ref.name)),
      expirationTimestamp: rfc3339(new Date(now.getTime() + seconds * 1000)),
    },
  };
}
