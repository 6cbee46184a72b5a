import { ApiError, badRequest } from './errors.js';
import type { Ctx } from './handlers.js';
import { writeOptions } from './params.js';
import { mediaType, parseBody, readBody, sendJson } from './http.js';
import type { Json, KObject } from './json.js';
import { isObject } from './json.js';
import { jsonPatch, mergePatch, strategicMerge } from './patch.js';
import { ownUpdate, updateManager } from './field-manager.js';
import { lastAppliedConflicts, updateLastApplied } from './last-applied.js';
import { FieldOwners, conflictError, leaves } from './managed.js';
import { removeReleased } from './prune.js';
import { queryBool } from './params.js';
import { apiVersionOf } from './resources.js';
import { rfc3339 } from './system-fields.js';

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
  'application/strategic-merge-patch+json',
];

/** PATCH on an object or its status: the four patch types of the API server. */
export async function patch(
  ctx: Ctx,
  target: { namespace: string | undefined; name: string; status: boolean },
): Promise<void> {
  const { deps, def, req, res, q } = ctx;
  const type = mediaType(req.headers['content-type']);
  if (!PATCH_TYPES.includes(type)) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
    );
  }
  const body = parseBody(await readBody(req), type);
  const opts = { ...writeOptions(q), status: target.status };
  const { registry } = deps;
  if (type === 'application/apply-patch+yaml') {
    const manager = q.get('fieldManager');
    if (manager === null || manager === '')
      throw badRequest('PATCH, application/apply-patch+yaml requires a non-empty fieldManager');
    const live = exists(() => registry.get(def, target));
    const owners = deps.applyConfigs.ownersOf(live);
    const applied = leaves(body, def.schema);
    const liveLeaves = live === undefined ? [] : leaves(live, def.schema);
    let force = queryBool(q, 'force');
    if (!force) {
      const upgrade = lastAppliedConflicts({
        manager,
        live,
        conflicts: owners.conflicts(manager, applied, liveLeaves),
        apiVersion: apiVersionOf(def),
        schema: def.schema,
      });
      if (upgrade.conflicts.length > 0) throw conflictError(upgrade.conflicts);
      force = upgrade.force;
    }
    const released = owners.fieldsOf(manager);
    const merged = deps.applyConfigs.merge(live, body, def.schema);
    owners.take({
      manager,
      operation: 'Apply',
      apiVersion: apiVersionOf(def),
      time: rfc3339(deps.now()),
      fields: applied,
      takenFrom: force ? FieldOwners.changed(applied, liveLeaves) : [],
      replace: true,
    });
    removeReleased(merged, released, owners.ownedPaths());
    owners.prune(leaves(merged, def.schema));
    merged.metadata['managedFields'] = owners.managedFields();
    // After the owners, as kube-apiserver does: the annotation keeps its owners.
    updateLastApplied(merged, manager, body);
    const named = merged.metadata['name'];
    if (named !== undefined && named !== target.name) {
      throw badRequest(
        `the name of the object (${String(named)}) does not match the name on the URL (${target.name})`,
      );
    }
    const result =
      live === undefined
        ? registry.create(
            def,
            target.namespace,
            { ...merged, metadata: { ...merged.metadata, name: target.name } },
            opts,
          )
        : registry.update(def, target, merged, opts);
    if (opts.dryRun !== true) {
      deps.applyConfigs.keepOwners(result.object, owners);
    }
    return sendJson(res, live === undefined ? 201 : 200, result.object, result.warnings);
  }
  const current = registry.get(def, target);
  let next: Json | undefined;
  if (type === 'application/merge-patch+json') next = mergePatch(current, body);
  else if (type === 'application/json-patch+json') next = jsonPatch(current, body);
  else next = strategicMerge(current, body, def.schema);
  if (!isObject(next)) throw badRequest('the patch removed the whole object');
  const owners = target.status
    ? undefined
    : ownUpdate({
        configs: deps.applyConfigs,
        def,
        live: current,
        body: next,
        manager: updateManager(q, req),
        now: deps.now(),
      });
  const { object, warnings } = registry.update(def, target, next, opts);
  if (owners !== undefined && opts.dryRun !== true) deps.applyConfigs.keepOwners(object, owners);
  sendJson(res, 200, object, warnings);
}

function exists(read: () => KObject): KObject | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) return undefined;
    throw e;
  }
}
