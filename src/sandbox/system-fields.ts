import { randomBytes } from 'node:crypto';
import { invalid } from './errors.js';
import type { KObject } from './json.js';
import { arr, clone } from './json.js';
import { nameOf } from './keys.js';
import type { ResourceDef } from './resources.js';
import { resourceFor } from './resources.js';

const NAMESPACES = resourceFor('namespaces');

/** Timestamps as the API server writes them: RFC 3339, whole seconds. */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** metadata.generateName's suffix: five characters from the API server's alphabet. */
export function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** The main resource keeps system fields and (with a status subresource) the stored status. */
export function nextVersion(def: ResourceDef, current: KObject, o: KObject): KObject {
  const next = clone(o);
  for (const f of [
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
  ]) {
    const v = current.metadata[f];
    if (v === undefined) delete next.metadata[f];
    else next.metadata[f] = v;
  }
  if (def.hasStatus) {
    if (current['status'] === undefined) delete next['status'];
    else next['status'] = current['status'];
  }
  if (def === NAMESPACES) next['spec'] = current['spec'] ?? {};
  if (current.metadata['deletionTimestamp'] !== undefined) {
    const added = arr(next.metadata['finalizers']).filter(
      (f) => !arr(current.metadata['finalizers']).includes(f),
    );
    if (added.length > 0) {
      throw invalid(def.kind, nameOf(def), String(current.metadata['name']), [
        {
          type: 'Forbidden',
          field: 'metadata.finalizers',
          detail: `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        },
      ]);
    }
  }
  return next;
}

/** A status-subresource write: everything but the status stays as stored. */
export function withStatusOf(current: KObject, o: KObject): KObject {
  const next = clone(current);
  if (o['status'] === undefined) delete next['status'];
  else next['status'] = o['status'];
  return next;
}
