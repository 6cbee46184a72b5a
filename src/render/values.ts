import type { Value } from '../core/resource.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** An attribute or map key as HCL shows it: bare when it is an identifier, quoted otherwise. */
export const formatKey = (key: string): string =>
  IDENTIFIER.test(key) ? key : JSON.stringify(key);

/** A value on one line, HCL-flavoured: `"s"`, `80`, `true`, `null`, `["a", "b"]`, `{ a = 1 }`. */
export function formatInline(v: Value | undefined): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(formatInline).join(', ')}]`;
  const keys = Object.keys(v).sort();
  if (keys.length === 0) return '{}';
  return `{ ${keys.map((k) => `${formatKey(k)} = ${formatInline(v[k])}`).join(', ')} }`;
}

export const isBlockValue = (v: Value | undefined): boolean =>
  typeof v === 'object' &&
  v !== null &&
  (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);

/** Code-unit order, locale-independent. */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
