import {
  CLUSTER_TAG_PREFIX,
  RESOURCE_TAG,
  SERVICE_NAME_TAG,
  SERVICE_UID_TAG,
} from '../core/tags.js';
import { A } from './annotations.js';
import type { AnnotationKey } from './annotations.js';
import { annotationField, parseKeyValues } from './context.js';
import type { Ctx } from './context.js';

/** The strictest limits of the three clouds (AWS: keys 128, values 256 characters). */
const MAX_KEY = 128;
const MAX_VALUE = 256;

/**
 * User tags from `lbctl.io/tags` and, with AWS, `aws-load-balancer-additional-resource-tags`;
 * added to the ownership tags, which they may never override. A key set by both annotations
 * must have the same value. Returned with keys sorted.
 */
export function buildExtraTags(ctx: Ctx): Record<string, string> {
  const merged = new Map<string, [AnnotationKey, string]>();
  for (const key of [A.tags, A.awsTags] as const) {
    for (const [k, v] of parseKeyValues(ctx, key) ?? []) {
      const raw = ctx.get(key) ?? '';
      if (isReserved(k))
        ctx.invalid(
          key,
          raw,
          `tag "${k}" is an ownership tag lbctl sets itself and may not be overridden`,
        );
      else if (k.length > MAX_KEY)
        ctx.invalid(key, raw, `tag key "${k.slice(0, 20)}…" is longer than ${MAX_KEY} characters`);
      else if (v.length > MAX_VALUE)
        ctx.invalid(key, raw, `the value of tag "${k}" is longer than ${MAX_VALUE} characters`);
      else {
        const earlier = merged.get(k);
        if (earlier !== undefined && earlier[1] !== v) {
          ctx.invalid(
            key,
            raw,
            `tag "${k}" conflicts with ${annotationField(earlier[0])}: "${earlier[1]}"`,
          );
        } else merged.set(k, [key, v]);
      }
    }
  }
  const out: Record<string, string> = {};
  for (const k of [...merged.keys()].sort()) out[k] = (merged.get(k) as [AnnotationKey, string])[1];
  return out;
}

const isReserved = (key: string): boolean =>
  key.startsWith(CLUSTER_TAG_PREFIX) ||
  key === SERVICE_NAME_TAG ||
  key === SERVICE_UID_TAG ||
  key === RESOURCE_TAG;
