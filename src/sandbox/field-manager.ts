import type { IncomingMessage } from 'node:http';
import type { ApplyConfigs } from './apply.js';
import type { Json, KObject } from './json.js';
import { isObject, jsonEqual } from './json.js';
import { FieldOwners, leaves } from './managed.js';
import type { ResourceDef } from './resources.js';
import { apiVersionOf } from './resources.js';
import { rfc3339 } from './system-fields.js';

/**
 * The manager of a non-apply write: `fieldManager`, else the client's User-Agent up to the
 * first `/` (kube-apiserver's prefixFromUserAgent), e.g. `kubectl` or `node-fetch`.
 */
export function updateManager(q: URLSearchParams, req: IncomingMessage): string {
  const explicit = q.get('fieldManager');
  if (explicit !== null && explicit !== '') return explicit;
  return (req.headers['user-agent'] ?? 'unknown').split('/')[0]?.slice(0, 128) || 'unknown';
}

/**
 * An Update (create, PUT, patch): the manager takes the fields it changed; the body gets
 * the resulting managedFields. Returns the owners to keep once the write succeeds.
 */
export function ownUpdate(opts: {
  configs: ApplyConfigs;
  def: ResourceDef;
  live: KObject | undefined;
  body: Json;
  manager: string;
  now: Date;
}): FieldOwners | undefined {
  if (!isObject(opts.body) || !isObject(opts.body['metadata'])) return undefined;
  const owners =
    requestOwners(opts.body as KObject, opts.live, opts.def) ?? opts.configs.ownersOf(opts.live);
  const before = new Map(
    (opts.live === undefined ? [] : leaves(opts.live, opts.def.schema)).map((l) => [
      l.path,
      l.value,
    ]),
  );
  const changed = leaves(opts.body, opts.def.schema).filter(
    (l) => !before.has(l.path) || !jsonEqual(before.get(l.path), l.value),
  );
  owners.take({
    manager: opts.manager,
    operation: 'Update',
    apiVersion: apiVersionOf(opts.def),
    time: rfc3339(opts.now),
    fields: changed,
    takenFrom: changed,
    replace: false,
  });
  owners.prune(leaves(opts.body, opts.def.schema));
  opts.body['metadata']['managedFields'] = owners.managedFields();
  return owners;
}

/**
 * The owners a write sets itself through `metadata.managedFields` (kube-apiserver's
 * decodeLiveOrNew): `[]` or `[{}]` resets them, other values that differ from the live ones
 * and decode replace them (kubectl's client-side-apply migration is such a JSON patch).
 * Undefined: the live owners stay.
 */
function requestOwners(
  body: KObject,
  live: KObject | undefined,
  def: ResourceDef,
): FieldOwners | undefined {
  const sent = body.metadata['managedFields'];
  if (sent === undefined || jsonEqual(sent, live?.metadata['managedFields'])) return undefined;
  if (Array.isArray(sent) && (sent.length === 0 || (sent.length === 1 && jsonEqual(sent[0], {}))))
    return new FieldOwners();
  const decoded = FieldOwners.fromManagedFields(sent, leaves(body, def.schema));
  // Empty or undecodable: kube-apiserver keeps the live owners, so clients that do not know
  // managedFields cannot drop them by accident.
  return decoded?.isEmpty() === false ? decoded : undefined;
}
