import type { KObject } from './json.js';
import { arr } from './json.js';
import type { ResourceDef } from './resources.js';
import { resourceFor, RESOURCES } from './resources.js';
import type { Store } from './store.js';

const NAMESPACES = resourceFor('namespaces');

/** One resource per storage of namespaced objects (core and events.k8s.io Events share one). */
export const namespacedStorages = (): ResourceDef[] => {
  const seen = new Set<string>();
  return RESOURCES.filter(
    (d) => d.namespaced && !seen.has(d.storage) && seen.add(d.storage) !== undefined,
  );
};

/** Plays the namespace controller: a terminating namespace goes once nothing is left in it. */
export function finalizeNamespaceIfEmpty(store: Store, name: string): KObject | undefined {
  const ns = store.get(NAMESPACES.storage, name);
  if (ns === undefined || ns.metadata['deletionTimestamp'] === undefined) return undefined;
  if (arr(ns.metadata['finalizers']).length > 0) return undefined;
  const left = namespacedStorages().some((d) =>
    store.list(d.storage).some((o) => o.metadata['namespace'] === name),
  );
  if (left) return undefined;
  return store.remove(NAMESPACES.storage, name);
}
