import type { LoadBalancerIntent } from '../core/intent.js';
import { parseGoBool } from './nodes.js';
import { A } from './annotations.js';
import { agree, parseBool, parseEnum } from './context.js';
import type { Ctx } from './context.js';

type Scheme = LoadBalancerIntent['scheme'];

/**
 * External (internet-facing, the default) or internal. Read from `lbctl.io/scheme` and the
 * selected cloud's in-tree annotations; annotations that disagree are an error naming both.
 */
export function buildScheme(ctx: Ctx): Scheme {
  const neutral = parseEnum(ctx, A.scheme, ['external', 'internal'] as const);
  const scheme = agree<Scheme>(ctx, [
    [A.scheme, neutral],
    [A.awsScheme, mapAwsScheme(ctx)],
    [A.awsInternal, awsInternal(ctx)],
    [A.gkeType, gcpType(ctx, A.gkeType)],
    [A.gceLegacyType, gcpType(ctx, A.gceLegacyType)],
    [A.azureInternal, fromBool(parseBool(ctx, A.azureInternal))],
  ]);
  return scheme ?? 'external';
}

const fromBool = (internal: boolean | undefined): Scheme | undefined =>
  internal === undefined ? undefined : internal ? 'internal' : 'external';

function mapAwsScheme(ctx: Ctx): Scheme | undefined {
  const v = parseEnum(ctx, A.awsScheme, ['internal', 'internet-facing'] as const);
  return v === undefined ? undefined : v === 'internal' ? 'internal' : 'external';
}

/**
 * The in-tree AWS provider treats any value but "false" as internal; old guides even wrote
 * `0.0.0.0/0`. Booleans (Go's forms) and that legacy value are accepted, anything else is
 * refused rather than guessed.
 */
function awsInternal(ctx: Ctx): Scheme | undefined {
  const raw = ctx.get(A.awsInternal);
  if (raw === undefined) return undefined;
  if (raw.trim() === '0.0.0.0/0') return 'internal';
  const b = parseGoBool(raw.trim());
  if (b === undefined) return ctx.invalid(A.awsInternal, raw, 'must be "true" or "false"');
  return fromBool(b);
}

/** GKE: `Internal` (the legacy annotation also took lower-case `internal`), or `External`. */
function gcpType(ctx: Ctx, key: typeof A.gkeType | typeof A.gceLegacyType): Scheme | undefined {
  const allowed =
    key === A.gceLegacyType
      ? (['External', 'Internal', 'internal'] as const)
      : (['External', 'Internal'] as const);
  const v = parseEnum<string>(ctx, key, allowed);
  return v === undefined ? undefined : v.toLowerCase() === 'internal' ? 'internal' : 'external';
}
