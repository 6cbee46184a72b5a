/** Plain JSON values as they travel over the wire; every stored object is one of these. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** A stored Kubernetes object: any JSON object with `metadata`. */
export interface KObject extends JsonObject {
  metadata: JsonObject;
}

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const clone = <T extends Json>(v: T): T => structuredClone(v);

/** Structural equality of two JSON values (object key order does not matter). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

export const str = (v: Json | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

export const obj = (v: Json | undefined): JsonObject | undefined => (isObject(v) ? v : undefined);

export const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

/** Reads a nested value by dotted path (`spec.type`); undefined when any step is missing. */
export function at(o: Json | undefined, path: string): Json | undefined {
  let cur: Json | undefined = o;
  for (const part of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}
