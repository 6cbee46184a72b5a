import { objectMeta } from './kinds.js';
import type { Schema } from './schema.js';
import { S } from './schema.js';

/**
 * Field schemas of the kinds in lbctl's install manifests (infra/deploy), Kubernetes 1.32
 * field names. The pod template's spec is kept as sent (pods are not run): it is not
 * checked field by field.
 */

const top = (fields: Record<string, Schema>): Schema =>
  S.obj({ apiVersion: S.str, kind: S.str, metadata: objectMeta, ...fields });

const labelSelector = S.obj({
  matchLabels: S.map(S.str),
  matchExpressions: S.list(S.obj({ key: S.str, operator: S.str, values: S.list(S.str) })),
});

const condition = S.obj({
  type: S.str,
  status: S.str,
  observedGeneration: S.int,
  lastTransitionTime: S.time,
  lastUpdateTime: S.time,
  reason: S.str,
  message: S.str,
});

export const serviceAccount = top({
  secrets: S.list(
    S.obj({ kind: S.str, namespace: S.str, name: S.str, uid: S.str, apiVersion: S.str }),
    { key: 'name' },
  ),
  imagePullSecrets: S.list(S.obj({ name: S.str })),
  automountServiceAccountToken: S.bool,
});

const policyRule = S.obj({
  verbs: S.list(S.str),
  apiGroups: S.list(S.str),
  resources: S.list(S.str),
  resourceNames: S.list(S.str),
  nonResourceURLs: S.list(S.str),
});

export const role = top({ rules: S.list(policyRule) });

export const clusterRole = top({
  rules: S.list(policyRule),
  aggregationRule: S.obj({ clusterRoleSelectors: S.list(labelSelector) }),
});

const roleRef = S.obj({ apiGroup: S.str, kind: S.str, name: S.str });
const subject = S.obj({ kind: S.str, apiGroup: S.str, name: S.str, namespace: S.str });

export const roleBinding = top({ subjects: S.list(subject), roleRef });

export const deployment = top({
  spec: S.obj({
    replicas: S.int,
    selector: labelSelector,
    template: S.obj({ metadata: objectMeta, spec: S.any }),
    strategy: S.obj({
      type: S.str,
      rollingUpdate: S.obj({ maxUnavailable: S.intOrStr, maxSurge: S.intOrStr }),
    }),
    minReadySeconds: S.int,
    revisionHistoryLimit: S.int,
    paused: S.bool,
    progressDeadlineSeconds: S.int,
  }),
  status: S.obj({
    observedGeneration: S.int,
    replicas: S.int,
    updatedReplicas: S.int,
    readyReplicas: S.int,
    availableReplicas: S.int,
    unavailableReplicas: S.int,
    terminatingReplicas: S.int,
    conditions: S.list(condition, { key: 'type' }),
    collisionCount: S.int,
  }),
});

export const podDisruptionBudget = top({
  spec: S.obj({
    minAvailable: S.intOrStr,
    maxUnavailable: S.intOrStr,
    selector: labelSelector,
    unhealthyPodEvictionPolicy: S.str,
  }),
  status: S.obj({
    observedGeneration: S.int,
    disruptedPods: S.map(S.time),
    disruptionsAllowed: S.int,
    currentHealthy: S.int,
    desiredHealthy: S.int,
    expectedPods: S.int,
    conditions: S.list(condition, { key: 'type' }),
  }),
});
