import type { LoadBalancerIntent } from '../../src/core/intent.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { ownershipTags } from '../../src/core/tags.js';

/**
 * AWS tags can hold lbctl's tag keys as they are (`kubernetes.io/cluster/<name>`, ...), so this
 * module only merges user tags under the ownership tags and converts to and from the SDK shape.
 */

/** The annotation user tags come from; named in errors. */
export const ADDITIONAL_TAGS_ANNOTATION =
  'service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags';

/** The characters ELBv2 accepts in tag keys and values (EC2 accepts more; the stricter rule wins). */
export const ELB_TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** AWS allows 50 tags per resource (ELBv2 and EC2), keys of 1–128 and values of 0–256 characters; ours take 4. */
const MAX_TAGS = 50;
export const MAX_TAG_KEY = 128;
export const MAX_TAG_VALUE = 256;

export type SdkTag = { Key?: string | undefined; Value?: string | undefined };

/** The tags of one resource: the user's extra tags, overridden by the ownership tags. */
export function resourceTags(intent: LoadBalancerIntent, address: string): Record<string, string> {
  return {
    ...intent.extraTags,
    ...ownershipTags(intent.clusterName, intent.service, address),
  };
}

/** Refuses tags AWS would refuse, naming the annotation they came from. */
export function validateExtraTags(intent: LoadBalancerIntent): void {
  const object = `Service ${intent.service.namespace}/${intent.service.name}`;
  const field = `metadata.annotations[${ADDITIONAL_TAGS_ANNOTATION}]`;
  for (const [key, value] of Object.entries(intent.extraTags)) {
    let detail: string | undefined;
    if (key.toLowerCase().startsWith('aws:'))
      detail = 'tag keys starting with "aws:" are reserved by AWS';
    else if (key.length === 0 || key.length > MAX_TAG_KEY)
      detail = `tag keys must be 1 to ${MAX_TAG_KEY} characters`;
    else if (value.length > MAX_TAG_VALUE)
      detail = `tag values must be at most ${MAX_TAG_VALUE} characters`;
    else if (!ELB_TAG_TEXT.test(key) || !ELB_TAG_TEXT.test(value)) {
      detail =
        'Elastic Load Balancing tags may hold only letters, digits, spaces and _ . : / = + - @';
    }
    if (detail !== undefined) {
      throw new InvalidInputError(object, [
        { type: 'Invalid', field, value: `${key}=${value}`, detail },
      ]);
    }
  }
  // Counted as AWS counts them: distinct keys, lbctl's own included.
  const count = Object.keys(resourceTags(intent, 'aws_lb.this')).length;
  if (count > MAX_TAGS) {
    throw new InvalidInputError(object, [
      {
        type: 'Invalid',
        field,
        value: Object.keys(intent.extraTags).length,
        detail: `AWS allows ${MAX_TAGS} tags per resource and lbctl needs 4 of them`,
      },
    ]);
  }
}

export function toSdkTags(
  tags: Readonly<Record<string, string>>,
): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key] ?? '' }));
}

/** SDK tags to a map; tags AWS itself adds (`aws:` prefix) are left out: nobody manages them. */
export function fromSdkTags(tags: readonly SdkTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) {
    if (t.Key === undefined || t.Key.startsWith('aws:')) continue;
    out[t.Key] = t.Value ?? '';
  }
  return out;
}
