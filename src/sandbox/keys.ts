import type { ResourceName } from './errors.js';
import type { KObject } from './json.js';
import { obj, str } from './json.js';
import type { ResourceDef } from './resources.js';

/** Where an object lives in its storage: `namespace/name`, or `name` when cluster-scoped. */
export const storageKey = (ns: string | undefined, name: string): string =>
  ns ? `${ns}/${name}` : name;

export const keyOf = (o: KObject): string =>
  storageKey(str(o.metadata['namespace']), String(o.metadata['name']));

/** Lists come sorted by namespace, then name, like etcd's key order. */
export const sortKey = (o: KObject): string =>
  `${str(obj(o.metadata)?.['namespace']) ?? ''}/${String(o.metadata['name'])}`;

/** The resource as error messages name it (`services`, `leases.coordination.k8s.io`). */
export const nameOf = (d: ResourceDef): ResourceName => ({ resource: d.resource, group: d.group });
