import type { AttributeChange, SetDelta } from '../core/plan.js';
import type { Attributes, ResourceSchema, Value } from '../core/resource.js';
import { deepEqual, isAtOrBelow, isObject, memberKey, valueAt } from './values.js';

export interface AttributeDiff {
  changes: AttributeChange[];
  setDeltas: SetDelta[];
}

/** What stays the same through one resource's recursive diff: its schema and the collector. */
interface DiffContext {
  schema: ResourceSchema;
  out: AttributeDiff;
}

/**
 * Differences between a desired and an observed resource of one type.
 *
 * Only what the desired resource defines is compared (recursively into nested objects): clouds
 * add defaults and read-only fields that lbctl never asked for, and those must not show up as
 * drift. Computed paths are therefore compared only when the desired resource sets them.
 * `null` and an absent value are the same. Arrays compare element by element (strict deep
 * equality); arrays named in the schema's `sets` compare as member sets (order and duplicates
 * ignored) and also produce a SetDelta.
 * Exception: a `references` path the desired resource leaves out counts as null, so a reference
 * only the cloud still holds is removed.
 */
export function diffAttributes(
  desired: Attributes,
  observed: Attributes,
  schema: ResourceSchema,
): AttributeDiff {
  const out: AttributeDiff = { changes: [], setDeltas: [] };
  const ctx: DiffContext = { schema, out };
  for (const key of Object.keys(desired)) {
    diffValue(key, desired[key], observed[key], ctx);
  }
  // A reference the desired resource does not hold is one to drop, not a cloud default: the
  // planner orders and cascades by references, so a stale one must not linger in the state.
  for (const path of schema.references ?? []) {
    if (isLeftOut(desired, path)) diffValue(path, null, valueAt(observed, path), ctx);
  }
  if (out.changes.length > 1) out.changes.sort((a, b) => compareStrings(a.path, b.path));
  if (out.setDeltas.length > 1) out.setDeltas.sort((a, b) => compareStrings(a.path, b.path));
  return out;
}

function diffValue(
  path: string,
  d: Value | undefined,
  o: Value | undefined,
  ctx: DiffContext,
): void {
  if (d === undefined) return;
  const { schema, out } = ctx;
  // A computed attribute the desired resource sets is compared like any other (Terraform's
  // optional+computed: e.g. subnets the operator chose); left out or null, the cloud decides.
  if (d === null && isAtOrBelow(path, schema.computed)) return;
  if (schema.sets.length > 0 && schema.sets.includes(path) && Array.isArray(d)) {
    diffSet(path, d, o, ctx);
    return;
  }
  if (d === null) {
    if (o !== undefined && o !== null) out.changes.push(change(path, o, d, schema));
    return;
  }
  if (isObject(d) && isObject(o)) {
    for (const key of Object.keys(d)) diffValue(`${path}.${key}`, d[key], o[key], ctx);
    return;
  }
  if (!deepEqual(d, o)) out.changes.push(change(path, o, d, schema));
}

function diffSet(path: string, d: Value[], o: Value | undefined, ctx: DiffContext): void {
  const observed = Array.isArray(o) ? o : [];
  if (sameInOrder(d, observed)) return; // the common case: the cloud lists members as we do
  const merged =
    isSortedStrings(d) && isSortedStrings(observed) ? mergeSorted(d, observed) : undefined;
  const { add, remove } = merged ?? hashDiff(d, observed);
  // A set the cloud does not report at all (or reports as a non-array) is empty, but a
  // non-array observed value still differs from an empty desired set.
  const shapeDiffers = o !== undefined && o !== null && !Array.isArray(o);
  if (add.length === 0 && remove.length === 0 && !shapeDiffers) return;
  ctx.out.changes.push(change(path, o, d, ctx.schema));
  ctx.out.setDeltas.push({ path, add, remove });
}

/** Strictly ascending strings (desired sets come sorted from the intent; most clouds sort too). */
function isSortedStrings(a: readonly Value[]): a is string[] {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'string' || x.charCodeAt(0) === 0) return false; // keep memberKey's order
    if (i > 0 && !((a[i - 1] as string) < x)) return false;
  }
  return true;
}

/** Add/remove of two sorted string lists in one walk, no hashing; results come out sorted. */
function mergeSorted(
  d: readonly string[],
  o: readonly string[],
): { add: Value[]; remove: Value[] } {
  const add: Value[] = [];
  const remove: Value[] = [];
  let i = 0;
  let j = 0;
  while (i < d.length || j < o.length) {
    const x = d[i];
    const y = o[j];
    if (y === undefined || (x !== undefined && x < y)) {
      add.push(x as string);
      i++;
    } else if (x === undefined || y < x) {
      remove.push(y);
      j++;
    } else {
      i++;
      j++;
    }
  }
  return { add, remove };
}

function hashDiff(
  d: readonly Value[],
  observed: readonly Value[],
): { add: Value[]; remove: Value[] } {
  // One map, member key → observed index + 1 (observed only), 0 (desired only) or -1 (both):
  // a third of the hashing and allocation of separate sets, which matters with thousands of
  // targets.
  const seen = new Map<string, number>();
  for (let i = 0; i < observed.length; i++) {
    const k = memberKey(observed[i] as Value);
    if (!seen.has(k)) seen.set(k, i + 1);
  }
  const add: [string, Value][] = [];
  for (const m of d) {
    const k = memberKey(m);
    const where = seen.get(k);
    if (where === undefined) {
      seen.set(k, 0);
      add.push([k, m]);
    } else if (where > 0) {
      seen.set(k, -1);
    }
  }
  const remove: [string, Value][] = [];
  for (const [k, where] of seen) if (where > 0) remove.push([k, observed[where - 1] as Value]);
  return { add: sortedMembers(add), remove: sortedMembers(remove) };
}

/** True when nothing on the way to `path` is set: a parent set to null or a scalar is diffed itself. */
function isLeftOut(attrs: Attributes, path: string): boolean {
  let cur: Value | undefined = attrs;
  for (const seg of path.split('.')) {
    if (cur === undefined) return true;
    if (!isObject(cur)) return false;
    cur = cur[seg];
  }
  return cur === undefined;
}

function sameInOrder(a: readonly Value[], b: readonly Value[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !deepEqual(a[i], b[i])) return false;
  return true;
}

function sortedMembers(members: [string, Value][]): Value[] {
  members.sort((a, b) => compareStrings(a[0], b[0]));
  return members.map((m) => m[1]);
}

function change(
  path: string,
  before: Value | undefined,
  after: Value | undefined,
  schema: ResourceSchema,
): AttributeChange {
  return {
    path,
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
    forcesReplacement: forcesReplacement(path, schema.forceNew),
  };
}

/** A change at `path` forces replacement when it touches a forceNew path, above or below it. */
export function forcesReplacement(path: string, forceNew: readonly string[]): boolean {
  if (isAtOrBelow(path, forceNew)) return true;
  const prefix = `${path}.`;
  return forceNew.some((f) => f.startsWith(prefix));
}

/** Code-unit order: deterministic and locale-independent. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
