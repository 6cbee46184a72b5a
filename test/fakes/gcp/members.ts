import { badRequest, invalid } from './errors.js';
import { endpointKeys, instanceRefs } from './global.js';
import { checkSingleLoadBalancedGroup, loadBalancedGroups } from './regional.js';
import { mutate } from './operations.js';
import type { HandlerContext, Req } from './routes.js';
import type { FakeCompute } from './server.js';
import type { Json } from './store.js';
import { selfLink } from './store.js';

/** Instance group and network endpoint group members: add/remove, attach/detach, and their lists. */

export function membership(fake: FakeCompute, r: Req, path: string, body: Json): Json {
  const stored = fake.store.mustGet(path);
  const adding = r.verb === 'addInstances';
  const refs = instanceRefs(
    fake.store,
    { project: r.project, zone: r.where, group: stored.body },
    body,
    adding,
  );
  const members = stored.members ?? new Set<string>();
  if (adding) {
    if (loadBalancedGroups(fake.store).has(path))
      checkSingleLoadBalancedGroup(fake.store, path, refs);
    const existing = refs.find((p) => members.has(p));
    if (existing !== undefined) {
      throw badRequest(
        'memberAlreadyExists',
        `Resource '${existing}' is already a member of '${path}'.`,
      );
    }
  }
  return mutate(
    fake,
    r,
    { targetPath: path, targetId: stored.body['id'] as string, operationType: r.verb },
    () => {
      for (const p of refs) {
        if (adding) members.add(p);
        else members.delete(p);
      }
      stored.members = members;
      stored.body = { ...stored.body, fingerprint: fake.store.fingerprint([...members]) };
    },
  );
}

/** Attaching an endpoint that is already there, or detaching one that is not, changes nothing (no error). */
export function endpoints(fake: FakeCompute, r: Req, path: string, body: Json): Json {
  const stored = fake.store.mustGet(path);
  const attaching = r.verb === 'attachNetworkEndpoints';
  const keys = endpointKeys(
    fake.store,
    { project: r.project, zone: r.where, group: stored.body },
    body,
    attaching,
  );
  const members = stored.members ?? new Set<string>();
  return mutate(
    fake,
    r,
    { targetPath: path, targetId: stored.body['id'] as string, operationType: r.verb },
    () => {
      for (const k of keys) {
        if (attaching) members.add(k);
        else {
          const instance = k.split('|')[0] ?? '';
          for (const m of [...members]) if (m.startsWith(`${instance}|`)) members.delete(m);
        }
      }
      stored.members = members;
    },
  );
}

export function listEndpoints(fake: FakeCompute, path: string, ctx: HandlerContext): Json {
  const stored = fake.store.mustGet(path);
  const health = ctx.body['healthStatus'] ?? 'SKIP';
  if (health !== 'SKIP' && health !== 'SHOW')
    throw invalid('healthStatus', health, 'Must be one of [SKIP, SHOW].');
  const items = [...(stored.members ?? [])].sort().map((k) => {
    const [instance = '', ipAddress = ''] = k.split('|');
    return {
      networkEndpoint: { instance: instance.slice(instance.lastIndexOf('/') + 1), ipAddress },
    };
  });
  return ctx.page(
    items,
    'compute#networkEndpointGroupsListNetworkEndpoints',
    `${path}/listNetworkEndpoints`,
  );
}

export function listInstances(fake: FakeCompute, path: string, ctx: HandlerContext): Json {
  const stored = fake.store.mustGet(path);
  const state = ctx.body['instanceState'] ?? 'ALL';
  if (state !== 'ALL' && state !== 'RUNNING')
    throw invalid('instanceState', state, 'Must be one of [ALL, RUNNING].');
  const items = [...(stored.members ?? [])]
    .sort()
    .map((p) => ({ instance: selfLink(p), status: 'RUNNING' }));
  return { ...ctx.page(items, 'compute#instanceGroupsListInstances', `${path}/listInstances`) };
}
