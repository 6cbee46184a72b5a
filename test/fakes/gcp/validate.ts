import { badRequest, invalid, required } from './errors.js';
import type { Json } from './store.js';

/** Field checks shared by the collections, with the Compute API's own wording. */
export const NAME_RE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function checkName(body: Json): string {
  const name = body['name'];
  if (name === undefined || name === null || name === '') throw required('resource.name');
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw invalid(
      'resource.name',
      name,
      "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'",
    );
  }
  return name;
}

export function checkDescription(body: Json): void {
  const d = body['description'];
  if (d !== undefined && (typeof d !== 'string' || d.length > 2048)) {
    throw invalid('resource.description', d, 'Must be a string of at most 2048 characters.');
  }
}

export function checkLabels(labels: unknown, field = 'resource.labels'): Record<string, string> {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== 'object' || Array.isArray(labels))
    throw invalid(field, labels, 'Must be a map.');
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > 64) throw invalid(field, entries.length, 'At most 64 labels are allowed.');
  for (const [k, v] of entries) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(k)) {
      throw badRequest(
        'invalid',
        `Invalid value for field '${field}': ''. Label key '${k}' violates format constraints. The key must start with a lowercase character, can only contain lowercase letters, numeric characters, underscores and dashes. The key can be at most 63 characters long. International characters are allowed.`,
      );
    }
    if (typeof v !== 'string' || !/^[a-z0-9_-]{0,63}$/.test(v)) {
      throw badRequest(
        'invalid',
        `Invalid value for field '${field}': ''. Label value '${String(v)}' violates format constraints. The value can only contain lowercase letters, numeric characters, underscores and dashes. The value can be at most 63 characters long. International characters are allowed.`,
      );
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export function oneOf<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
  fallback?: T,
): T {
  if ((value === undefined || value === null || value === '') && fallback !== undefined)
    return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(field, value, `Must be one of [${allowed.join(', ')}].`);
  }
  return value as T;
}

/** An integer between `min` and `max` (both included); absent → `fallback`. */
export function intIn(
  field: string,
  value: unknown,
  { min, max, fallback }: { min: number; max: number; fallback: number },
): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw invalid(field, value, `Must be an integer between ${min} and ${max}.`);
  }
  return n;
}

export function isIPv4(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  const parts = s.split('.');
  return (
    parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
  );
}

export function isCIDR(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  const [ip, len, extra] = s.split('/');
  if (extra !== undefined) return false;
  if (len !== undefined && !/^[0-9]{1,3}$/.test(len)) return false;
  if (ip === undefined) return false;
  if (isIPv4(ip)) return len === undefined || Number(len) <= 32;
  return (
    /^[0-9a-fA-F:]+$/.test(ip) && ip.includes(':') && (len === undefined || Number(len) <= 128)
  );
}

export function ipInCIDR(ip: string, cidr: string): boolean {
  const [base, lenText] = cidr.split('/');
  const len = Number(lenText ?? 32);
  const toInt = (s: string) => s.split('.').reduce((a, p) => a * 256 + Number(p), 0);
  const mask = len === 0 ? 0 : 2 ** 32 - 2 ** (32 - len);
  return (toInt(ip) & mask) >>> 0 === (toInt(base ?? '0.0.0.0') & mask) >>> 0;
}

/** `"80"` or `"30000-32767"`. */
export function checkPortSpec(field: string, value: unknown): [number, number] {
  const m = typeof value === 'string' ? /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(value) : null;
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (m === null || lo < 1 || hi > 65535 || lo > hi) {
    throw invalid(field, value, 'Must be a port (1-65535) or a range of ports "LOW-HIGH".');
  }
  return [lo, hi];
}

export function stringArray(field: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw invalid(field, value, 'Must be a list of strings.');
  return value as string[];
}

/**
 * What a PATCH leaves: Compute's PATCH methods "support PATCH semantics and use the JSON merge
 * patch format and processing rules" (RFC 7386): objects merge key by key, anything else
 * (arrays included) replaces, `null` removes. A field the request leaves out stays as it was.
 */
export function mergePatch(current: Json, patch: Json): Json {
  const out: Json = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isPlainObject(v) && isPlainObject(out[k])) out[k] = mergePatch(out[k] as Json, v);
    else out[k] = v;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
