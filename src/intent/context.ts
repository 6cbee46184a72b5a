import type { FieldProblem } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import type { ProviderName } from '../core/provider.js';
import { appliesTo } from './annotations.js';
import type { AnnotationKey } from './annotations.js';

export const annotationField = (key: string): string => `metadata.annotations[${key}]`;

/**
 * What the intent parsers share: the Service, the selected provider, and the problems found so
 * far. Parsers record problems and return undefined rather than throwing, so that one error
 * message lists every bad value of a Service at once.
 */
export class Ctx {
  readonly problems: FieldProblem[] = [];

  constructor(
    readonly svc: Service,
    readonly provider: ProviderName,
  ) {}

  /** The annotation's value when it is set and applies to the selected provider. */
  get(key: AnnotationKey): string | undefined {
    if (!appliesTo(key, this.provider)) return undefined;
    return this.svc.metadata.annotations?.[key];
  }

  invalid(key: AnnotationKey, value: string, detail: string): undefined {
    this.problems.push({ type: 'Invalid', field: annotationField(key), value, detail });
    return undefined;
  }

  fieldProblem(problem: FieldProblem): undefined {
    this.problems.push(problem);
    return undefined;
  }
}

const supportedList = (values: readonly string[]): string =>
  `supported values: ${values.map((v) => `"${v}"`).join(', ')}`;

/** One of `values` (exact, or ignoring case when `ignoreCase`); returns the canonical spelling. */
export function parseEnum<T extends string>(
  ctx: Ctx,
  key: AnnotationKey,
  values: readonly T[],
  ignoreCase = false,
): T | undefined {
  const raw = ctx.get(key);
  if (raw === undefined) return undefined;
  const found = values.find((v) =>
    ignoreCase ? v.toLowerCase() === raw.trim().toLowerCase() : v === raw.trim(),
  );
  if (found !== undefined) return found;
  ctx.problems.push({
    type: 'Unsupported',
    field: annotationField(key),
    value: raw,
    detail: supportedList(values),
  });
  return undefined;
}

/** `"true"` or `"false"`. */
export function parseBool(ctx: Ctx, key: AnnotationKey): boolean | undefined {
  const v = parseEnum(ctx, key, ['false', 'true'] as const);
  return v === undefined ? undefined : v === 'true';
}

/** A decimal integer within [min, max]. */
export function parseInteger(
  ctx: Ctx,
  key: AnnotationKey,
  min: number,
  max: number,
): number | undefined {
  const raw = ctx.get(key);
  if (raw === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  return ctx.invalid(key, raw, `must be an integer between ${min} and ${max}`);
}

/** A comma-separated list of non-empty items, trimmed. */
export function parseList(ctx: Ctx, key: AnnotationKey, what: string): string[] | undefined {
  const raw = ctx.get(key);
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    return ctx.invalid(key, raw, `must be a comma-separated list of ${what} with no empty items`);
  return items;
}

/** `key=value,key2=value2`. Keys unique and non-empty. */
export function parseKeyValues(ctx: Ctx, key: AnnotationKey): Map<string, string> | undefined {
  const items = parseList(ctx, key, 'key=value pairs');
  if (items === undefined) return undefined;
  const out = new Map<string, string>();
  for (const item of items) {
    const eq = item.indexOf('=');
    const k = (eq < 0 ? item : item.slice(0, eq)).trim();
    if (eq <= 0 || k === '')
      return ctx.invalid(key, ctx.get(key) ?? '', `"${item}" is not of the form key=value`);
    if (out.has(k)) return ctx.invalid(key, ctx.get(key) ?? '', `key "${k}" appears twice`);
    out.set(k, item.slice(eq + 1).trim());
  }
  return out;
}

/**
 * The one value several annotations agree on. Two set annotations that disagree are a problem
 * naming both, rather than a silent precedence rule.
 */
export function agree<T>(
  ctx: Ctx,
  candidates: readonly (readonly [AnnotationKey, T | undefined])[],
): T | undefined {
  let first: readonly [AnnotationKey, T] | undefined;
  for (const [key, value] of candidates) {
    if (value === undefined) continue;
    if (first === undefined) first = [key, value];
    else if (JSON.stringify(first[1]) !== JSON.stringify(value)) {
      return ctx.invalid(
        key,
        ctx.get(key) ?? '',
        `conflicts with ${annotationField(first[0])}: "${ctx.get(first[0]) ?? ''}"`,
      );
    }
  }
  return first?.[1];
}
