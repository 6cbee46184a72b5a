import { addressOf, type Resource } from '../core/resource.js';

/** One Service of a plan of several: what it wants and what observe found for it. */
export interface SharedInput {
  desired: readonly Resource[];
  observed: readonly Resource[];
}

/**
 * Settles the shared objects (Resource.shared) over the Services of one plan. A shared object a
 * Service does not want stays out of that Service's observed state, so nothing deletes it, while
 * a user outside this plan, or one of this plan that still wants it, has something on it. When
 * every user lets go (all of them are being deleted together, as in `lbctl destroy`), it stays in
 * each of their observed states: each plan deletes it and the renderers show the deletion once
 * (src/render/shared.ts). Execution is safe either way: the provider deletes a shared object only
 * when nothing is on it any more. Returns the observed states, in order, without the markers.
 * Pure.
 */
export function settleShared(services: readonly SharedInput[]): Resource[][] {
  const wants = (s: SharedInput, r: Resource) =>
    s.desired.some((d) => addressOf(d) === addressOf(r));
  const lettingGo = new Map<string, Set<string>>();
  for (const s of services) {
    for (const r of s.observed) {
      if (r.shared === undefined || wants(s, r)) continue;
      const holders = lettingGo.get(objectKey(r)) ?? new Set<string>();
      holders.add(r.shared.holder);
      lettingGo.set(objectKey(r), holders);
    }
  }
  return services.map((s) => {
    const dropped = new Set<string>();
    const kept = s.observed.filter((r) => {
      if (r.shared === undefined || wants(s, r)) return true;
      const gone = lettingGo.get(objectKey(r));
      const stays = r.shared.others.some((h) => gone?.has(h) !== true);
      if (stays) dropped.add(addressOf(r));
      return !stays;
    });
    return kept.map(({ shared: _marker, ...r }) => ({
      ...r,
      dependsOn: r.dependsOn.filter((d) => !dropped.has(d)),
    }));
  });
}

/**
 * The one cloud object behind a resource: its address, type and cloud `name`, so that several
 * Services' plans holding it are seen to hold the same object. Undefined for a nameless resource.
 */
export function sharedObjectKey(r: Resource): string | undefined {
  const name = r.attributes['name'];
  if (typeof name !== 'string' || name === '') return undefined;
  return `${addressOf(r)}\u0000${r.type}\u0000${name}`;
}

const objectKey = (r: Resource): string => sharedObjectKey(r) ?? addressOf(r);
