import type { IncomingMessage } from 'node:http';
import type { ApplyConfigs } from './apply.js';
import type { Json, KObject } from './json.js';
import { isObject, jsonEqual } from './json.js';
import type { FieldOwners } from './managed.js';
import { leaves } from './managed.js';
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
  const owners = opts.configs.ownersOf(opts.live);
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
