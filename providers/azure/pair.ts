import type { Resource } from '../../src/core/resource.js';

/** Which desired resources observed children of one type may pair with, and how. */
export interface PairOptions {
  /** The resource type of the children. */
  type: string;
  desired: readonly Resource[];
  /** The key an unclaimed desired resource must share with a child to take it over (a rename in place). */
  keyOf: (r: Resource) => string;
  /** The name of the one-per-Service child, when there is one. */
  first?: string;
}

/**
 * Graph names for observed children, which carry no tags: the desired resource with the same
 * cloud name; else an unclaimed desired resource with the same key (a rename in place); else
 * `first` for the first one (one-per-Service children), else a name derived from the cloud
 * name (a leftover the plan deletes).
 */
export function pairAddresses(
  items: readonly { name: string; key: string }[],
  { type, desired, keyOf, first }: PairOptions,
): string[] {
  const candidates = desired.filter((r) => r.type === type);
  const used = new Set<string>();
  const out: (string | undefined)[] = items.map((it) => {
    const hit = candidates.find(
      (r) => String(r.attributes.name).toLowerCase() === it.name.toLowerCase() && !used.has(r.name),
    );
    if (hit !== undefined) used.add(hit.name);
    return hit?.name;
  });
  items.forEach((it, i) => {
    if (out[i] !== undefined) return;
    const hit = candidates.find((r) => !used.has(r.name) && keyOf(r) === it.key);
    if (hit !== undefined) {
      used.add(hit.name);
      out[i] = hit.name;
    }
  });
  return items.map((it, i) => {
    const name =
      out[i] ?? (first !== undefined && !used.has(first) ? first : fallbackName(it.name));
    used.add(name);
    return name;
  });
}

/** `a<uid>-TCP-80` → `tcp-80`: the address of a child no desired resource claims (it will be deleted). */
const fallbackName = (childName: string): string =>
  childName.split('-').slice(1).join('-').toLowerCase() || childName;
