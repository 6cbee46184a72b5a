import type { Value } from '../core/resource.js';

/** Plain JSON object (not an array, not null). */
export const isObject = (v: Value | undefined): v is { [key: string]: Value } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Strict deep JSON equality: arrays in order, objects by key regardless of key order. */
export function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(b, k) || !deepEqual(a[k], b[k])) return false;
  }
  return true;
}

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(v: Value): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k] as Value)}`).join(',')}}`;
}

/**
 * The identity of a set member. Strings (targets, CIDRs: nearly every set) are their own key;
 * anything else is prefixed canonical JSON. A string that starts with the prefix is escaped so
 * the two spaces never collide.
 */
export function memberKey(v: Value): string {
  if (typeof v === 'string') return v.charCodeAt(0) === 0 ? `\u0000s${v}` : v;
  return `\u0000j${canonicalJson(v)}`;
}

/** True when `path` is one of `paths` or lies below one of them (dotted paths). */
export function isAtOrBelow(path: string, paths: readonly string[]): boolean {
  for (const p of paths) {
    if (path === p || (path.length > p.length && path.startsWith(p) && path[p.length] === '.')) {
      return true;
    }
  }
  return false;
}

/** The value at a dotted path, or undefined. */
export function valueAt(attrs: { [key: string]: Value }, path: string): Value | undefined {
  let cur: Value | undefined = attrs;
  for (const seg of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}
