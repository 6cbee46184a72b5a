import type { KObject } from './json.js';
import { conflict } from './errors.js';
import { nameOf } from './keys.js';
import type { ResourceDef } from './resources.js';

/** DeleteOptions.preconditions: the delete goes ahead only for this exact object version. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** Throws the API server's 409 when a precondition does not hold for `current`. */
export function checkPreconditions(def: ResourceDef, current: KObject, pre: Preconditions): void {
  const name = String(current.metadata['name']);
  if (pre.uid !== undefined && pre.uid !== current.metadata['uid']) {
    throw conflict(
      nameOf(def),
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(current.metadata['uid'])}`,
    );
  }
  if (
    pre.resourceVersion !== undefined &&
    pre.resourceVersion !== current.metadata['resourceVersion']
  ) {
    throw conflict(
      nameOf(def),
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(current.metadata['resourceVersion'])}`,
    );
  }
}
