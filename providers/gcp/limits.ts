import { InvalidInputError } from '../../src/core/errors.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import { ownershipDescription, ownershipLabels } from './labels.js';
import { loadBalancerName, T } from './names.js';

/**
 * The limits Compute Engine enforces on what lbctl derives from user input, checked at plan
 * time so that a Service GCP would refuse is refused before any call, naming the field:
 * - resource names (from `metadata.uid`): `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters;
 * - labels (Compute "Labeling resources"): keys start with a lower-case letter, keys and values
 *   are lower-case letters, digits, `_` and `-`, at most 63 characters; at most 64 labels per
 *   resource, lbctl's own five included;
 * - descriptions: at most 2,048 characters.
 */
export const COMPUTE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
export const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
export const MAX_LABELS = 64;
export const MAX_DESCRIPTION = 2048;

/** Where user labels come from: `lbctl.io/tags` (or the AWS additional-tags annotation, merged into it). */
const TAGS_FIELD = 'metadata.annotations[lbctl.io/tags]';

export function checkComputeLimits(intent: LoadBalancerIntent): void {
  const svc = intent.service;
  const object = `Service ${svc.namespace}/${svc.name}`;
  const name = loadBalancerName(svc);
  if (!COMPUTE_NAME.test(name)) {
    throw new InvalidInputError(object, [
      {
        type: 'Invalid',
        field: 'metadata.uid',
        value: svc.uid,
        detail: `gives the Compute resource name "${name}", which Google Cloud refuses (lower-case letters, digits and dashes, starting with a letter); kube-apiserver issues lower-case UUIDs`,
      },
    ]);
  }
  for (const [k, v] of Object.entries(intent.extraTags)) {
    if (!LABEL_KEY.test(k)) {
      throw new InvalidInputError(object, [
        {
          type: 'Invalid',
          field: TAGS_FIELD,
          value: k,
          detail:
            'is not a Google Cloud label key: a lower-case letter, then lower-case letters, digits, "_" and "-", at most 63 characters',
        },
      ]);
    }
    if (!LABEL_VALUE.test(v)) {
      throw new InvalidInputError(object, [
        {
          type: 'Invalid',
          field: `${TAGS_FIELD}.${k}`,
          value: v,
          detail:
            'is not a Google Cloud label value: lower-case letters, digits, "_" and "-", at most 63 characters',
        },
      ]);
    }
  }
  const labels = Object.keys(
    ownershipLabels(intent.clusterName, svc, `${T.address}.this`, intent.extraTags),
  ).length;
  if (labels > MAX_LABELS) {
    const own = labels - Object.keys(intent.extraTags).length;
    throw new InvalidInputError(object, [
      {
        type: 'Invalid',
        field: TAGS_FIELD,
        value: Object.keys(intent.extraTags).length,
        detail: `Google Cloud allows ${MAX_LABELS} labels per resource and lbctl sets ${own} of its own: at most ${MAX_LABELS - own} tags`,
      },
    ]);
  }
  // The longest ownership description lbctl writes (the health-check firewall's address).
  const description = ownershipDescription(
    intent.clusterName,
    svc,
    `${T.firewall}.health_check`,
  ).length;
  if (description > MAX_DESCRIPTION) {
    throw new InvalidInputError(object, [
      {
        type: 'Invalid',
        field: 'metadata.name',
        value: `${svc.namespace}/${svc.name}`,
        detail: `the ownership description with cluster ${intent.clusterName} would be ${description} characters; Google Cloud allows ${MAX_DESCRIPTION}`,
      },
    ]);
  }
}
