import type { Json, JsonObject, KObject } from './json.js';
import { isObject, jsonEqual } from './json.js';
import type { Leaf } from './managed.js';
import { KEY_DEFAULTS } from './managed.js';

/**
 * structured-merge-diff's prune after an apply: a field the applying manager owned before and
 * no longer applies is removed when no manager owns it any more (`owned`, the paths every
 * manager owns after the apply); a list item goes with its key fields unless a field under
 * it is still owned; maps and items left empty by a removal go too. Fields set by other
 * managers, or by nobody (defaults, allocations), stay.
 */
export function removeReleased(
  object: KObject,
  released: readonly Leaf[],
  owned: ReadonlySet<string>,
): void {
  for (const leaf of released) {
    if (!owned.has(leaf.path)) removeLeaf(object, leaf, owned);
  }
}

interface Step {
  container: JsonObject | Json[];
  at: string | number;
}

function removeLeaf(object: KObject, leaf: Leaf, owned: ReadonlySet<string>): void {
  const steps: Step[] = [];
  let node: Json = object;
  for (const seg of leaf.segs) {
    const found = child(node, seg);
    if (found === undefined) return; // already gone
    steps.push({ container: node as JsonObject | Json[], at: found });
    node = (node as Record<string | number, Json>)[found] as Json;
  }
  // A key field cannot go alone: the item goes, unless another field under it is owned.
  const parentSeg = leaf.segs.at(-2);
  const name = leaf.segs.at(-1) ?? '';
  if (parentSeg?.startsWith('k:') === true && name.startsWith('f:')) {
    const key = JSON.parse(parentSeg.slice(2)) as JsonObject;
    if (name.slice(2) in key) {
      const item = leaf.path.slice(0, leaf.path.length - name.length + 1);
      if ([...owned].some((p) => p.startsWith(`${item}.`))) return;
      steps.pop();
    }
  }
  for (let i = steps.length - 1; i >= 0; i--) {
    const { container, at } = steps[i] as Step;
    if (Array.isArray(container)) container.splice(at as number, 1);
    else delete container[at as string];
    const empty = Array.isArray(container)
      ? container.length === 0
      : Object.keys(container).length === 0;
    if (!empty || i === 0) return;
  }
}

/** The key or index `seg` (FieldsV1: `f:name`, `k:{...}`, `v:value`) names in `node`. */
function child(node: Json, seg: string): string | number | undefined {
  if (seg.startsWith('f:')) {
    const name = seg.slice(2);
    return isObject(node) && name in node ? name : undefined;
  }
  if (!Array.isArray(node)) return undefined;
  const value = JSON.parse(seg.slice(2)) as Json;
  const i = seg.startsWith('k:')
    ? node.findIndex(
        (item) =>
          isObject(item) &&
          isObject(value) &&
          Object.entries(value).every(([k, v]) => jsonEqual(item[k] ?? KEY_DEFAULTS[k], v)),
      )
    : node.findIndex((item) => jsonEqual(item, value));
  return i < 0 ? undefined : i;
}
