import {
  ApiError,
  badRequest,
  conditionNotMet,
  inUse,
  invalid,
  notFound,
  required,
} from './errors.js';
import {
  newNetworkEndpointGroup,
  firewallFields,
  firewallPath,
  instanceGroupPath,
  newFirewall,
  newInstanceGroup,
} from './global.js';
import type { At } from './regional.js';
import {
  addressUsers,
  backendServiceFields,
  newAddress,
  newBackendService,
  regionalPath,
} from './regional.js';
import { newForwardingRule } from './forwarding.js';
import { healthCheckFields, newHealthCheck } from './healthchecks.js';
import {
  newHttpHealthCheck,
  newTargetPool,
  poolHealthChecks,
  poolInstances,
} from './targetpools.js';
import { endpoints, listEndpoints, listInstances, membership } from './members.js';
import { mutate, operation } from './operations.js';
import type { FakeCompute } from './server.js';
import type { Json, Stored } from './store.js';
import { selfLink } from './store.js';
import { checkDescription, checkLabels, mergePatch } from './validate.js';

export interface HandlerContext {
  body: Json;
  query: URLSearchParams;
  page(items: Json[], kind: string, id: string): Json;
}

export interface Route {
  operation: string;
  handle(ctx: HandlerContext): unknown;
}

const PATH =
  /^\/compute\/v1\/projects\/([^/]+)\/(regions\/[^/]+|zones\/[^/]+|global)\/([A-Za-z]+)(?:\/([^/]+))?(?:\/([A-Za-z]+))?$/;

/** API names of the collections per scope, as in the Compute discovery document. */
const API_NAME: Record<string, string> = {
  'regions:addresses': 'addresses',
  'regions:healthChecks': 'regionHealthChecks',
  'regions:backendServices': 'regionBackendServices',
  'regions:forwardingRules': 'forwardingRules',
  'regions:targetPools': 'targetPools',
  'regions:subnetworks': 'subnetworks',
  'regions:operations': 'regionOperations',
  'zones:instanceGroups': 'instanceGroups',
  'zones:instances': 'instances',
  'zones:networkEndpointGroups': 'networkEndpointGroups',
  'zones:operations': 'zoneOperations',
  'global:firewalls': 'firewalls',
  'global:httpHealthChecks': 'httpHealthChecks',
  'global:networks': 'networks',
  'global:operations': 'globalOperations',
};

const AGGREGATED =
  /^\/compute\/v1\/projects\/([^/]+)\/aggregated\/(instanceGroups|instances|networkEndpointGroups|addresses|forwardingRules)$/;

export function route(fake: FakeCompute, method: string, pathname: string): Route {
  const agg = AGGREGATED.exec(pathname);
  if (agg !== null && method === 'GET') {
    const [, project = '', collection = ''] = agg;
    return {
      operation: `${collection}.aggregatedList`,
      handle: (ctx) => aggregated(fake, project, collection, ctx),
    };
  }
  const m = PATH.exec(pathname);
  const fail = (): never => {
    throw new ApiError(
      404,
      'notFound',
      `The requested URL ${pathname} was not found on this server.`,
    );
  };
  if (m === null) return fail();
  const [, project = '', scope = '', collection = '', name, verb] = m;
  const scopeKind = scope.split('/')[0] ?? '';
  const api = API_NAME[`${scopeKind}:${collection}`] ?? fail();
  const verbName =
    verb !== undefined
      ? verb
      : name === undefined
        ? method === 'POST'
          ? 'insert'
          : 'list'
        : ((
            { GET: 'get', DELETE: 'delete', PATCH: 'patch', PUT: 'update', POST: '' } as Record<
              string,
              string
            >
          )[method] ?? '');
  const operation = `${api}.${verbName}`;
  return {
    operation,
    handle: (ctx) => {
      if (project !== fake.project) throw notFound(`projects/${project}`);
      const where = scope.split('/')[1] ?? '';
      if (scopeKind === 'regions' && where !== fake.region)
        throw invalid('region', where, 'Unknown region.');
      if (scopeKind === 'zones' && !fake.zones.includes(where))
        throw invalid('zone', where, 'Unknown zone.');
      return dispatch(
        fake,
        { project, scope, collection, api, name, verb: verbName, method, where },
        ctx,
      );
    },
  };
}

export interface Req {
  project: string;
  scope: string;
  collection: string;
  api: string;
  name: string | undefined;
  verb: string;
  method: string;
  where: string;
}

function dispatch(fake: FakeCompute, r: Req, ctx: HandlerContext): unknown {
  const store = fake.store;
  const base = `projects/${r.project}/${r.scope}/${r.collection}`;
  const path = r.name === undefined ? base : `${base}/${r.name}`;
  const at: At = { project: r.project, region: r.where };

  if (r.collection === 'operations') return operation(fake, path, r.verb);
  if (r.verb === 'list') {
    const items = store.list(r.project, r.scope, r.collection).map((s) => view(fake, s));
    return ctx.page(items, `compute#${singular(r.collection)}List`, base);
  }
  if (r.verb === 'get') return view(fake, store.mustGet(path));
  if (['subnetworks', 'networks', 'instances'].includes(r.collection)) {
    throw new ApiError(405, 'methodNotAllowed', `${r.api}.${r.verb} is not served by this fake`);
  }

  switch (`${r.collection}.${r.verb}`) {
    case 'addresses.insert':
      return insert(fake, r, newAddress(store, at, ctx.body));
    case 'healthChecks.insert':
      return insert(fake, r, newHealthCheck(store, at, ctx.body));
    case 'backendServices.insert':
      return insert(fake, r, newBackendService(store, at, ctx.body));
    case 'forwardingRules.insert':
      return insert(fake, r, newForwardingRule(store, at, ctx.body));
    case 'targetPools.insert':
      return insert(fake, r, newTargetPool(store, at, ctx.body));
    case 'targetPools.addInstance':
    case 'targetPools.removeInstance':
      return poolInstances(fake, r, path, ctx.body);
    case 'targetPools.addHealthCheck':
    case 'targetPools.removeHealthCheck':
      return poolHealthChecks(fake, r, path, ctx.body);
    case 'httpHealthChecks.insert':
      return insert(fake, r, newHttpHealthCheck(store, r.project, ctx.body));
    case 'firewalls.insert':
      return insert(fake, r, newFirewall(store, r.project, ctx.body));
    case 'networkEndpointGroups.insert':
      return insert(fake, r, newNetworkEndpointGroup(store, r.project, r.where, ctx.body), {
        members: new Set(),
      });
    case 'networkEndpointGroups.attachNetworkEndpoints':
    case 'networkEndpointGroups.detachNetworkEndpoints':
      return endpoints(fake, r, path, ctx.body);
    case 'networkEndpointGroups.listNetworkEndpoints':
      return listEndpoints(fake, path, ctx);
    case 'instanceGroups.insert':
      return insert(fake, r, newInstanceGroup(store, r.project, r.where, ctx.body), {
        members: new Set(),
      });
    case 'addresses.setLabels':
    case 'forwardingRules.setLabels':
      return setLabels(fake, r, path, ctx.body);
    case 'healthChecks.patch':
    case 'healthChecks.update':
      // PATCH merges the body into the stored health check, then the result must be valid;
      // PUT (update) replaces every field.
      return update(fake, r, path, (cur) => {
        const next = r.verb === 'patch' ? mergePatch(cur, ctx.body) : ctx.body;
        checkSameName(next, cur);
        checkDescription(next);
        return { ...healthCheckFields(next, {}), description: next['description'] ?? '' };
      });
    case 'backendServices.patch':
    case 'backendServices.update':
      return update(fake, r, path, (cur) => {
        if (ctx.body['fingerprint'] !== cur['fingerprint']) {
          throw conditionNotMet(
            'Supplied fingerprint does not match the current fingerprint of the backend service; read it again and retry.',
          );
        }
        const fields = backendServiceFields(
          store,
          at,
          ctx.body,
          r.verb === 'patch' ? cur : { loadBalancingScheme: cur['loadBalancingScheme'] },
        );
        const description =
          ctx.body['description'] === undefined ? {} : { description: ctx.body['description'] };
        return { ...fields, ...description, fingerprint: store.fingerprint(fields) };
      });
    case 'firewalls.patch':
    case 'firewalls.update':
      return update(fake, r, path, (cur) =>
        firewallFields(
          ctx.body,
          r.verb === 'patch'
            ? cur
            : { name: cur['name'], network: cur['network'], direction: cur['direction'] },
        ),
      );
    case 'instanceGroups.addInstances':
    case 'instanceGroups.removeInstances':
      return membership(fake, r, path, ctx.body);
    case 'instanceGroups.listInstances':
      return listInstances(fake, path, ctx);
    case 'addresses.delete':
    case 'healthChecks.delete':
    case 'backendServices.delete':
    case 'forwardingRules.delete':
    case 'firewalls.delete':
    case 'instanceGroups.delete':
    case 'networkEndpointGroups.delete':
    case 'targetPools.delete':
    case 'httpHealthChecks.delete':
      return remove(fake, r, path);
    default:
      throw new ApiError(400, 'badRequest', `${r.api}.${r.verb} is not supported for ${path}`);
  }
}

function view(fake: FakeCompute, s: Stored): Json {
  if (s.collection === 'addresses') {
    const users = addressUsers(
      fake.store,
      { project: s.project, region: s.scope.split('/')[1] ?? '' },
      s.body,
    );
    return {
      ...s.body,
      status: users.length > 0 ? 'IN_USE' : 'RESERVED',
      ...(users.length > 0 ? { users } : {}),
    };
  }
  if (s.collection === 'instanceGroups' || s.collection === 'networkEndpointGroups') {
    return { ...s.body, size: s.members?.size ?? 0 };
  }
  return s.body;
}

function insert(fake: FakeCompute, r: Req, body: Json, extra: Partial<Stored> = {}): Json {
  const path = `projects/${r.project}/${r.scope}/${r.collection}/${String(body['name'])}`;
  return mutate(
    fake,
    r,
    { targetPath: path, targetId: body['id'] as string, operationType: 'insert' },
    () => {
      fake.store.put(path, {
        project: r.project,
        scope: r.scope,
        collection: r.collection,
        body,
        ...extra,
      });
    },
  );
}

function setLabels(fake: FakeCompute, r: Req, path: string, body: Json): Json {
  const stored = fake.store.mustGet(path);
  if (body['labelFingerprint'] === undefined) throw required('labelFingerprint');
  if (body['labelFingerprint'] !== stored.body['labelFingerprint']) {
    throw conditionNotMet('Labels fingerprint either invalid or resource labels have changed');
  }
  const labels = checkLabels(body['labels'], 'labels');
  return mutate(
    fake,
    r,
    { targetPath: path, targetId: stored.body['id'] as string, operationType: 'setLabels' },
    () => {
      stored.body = { ...stored.body, labels, labelFingerprint: fake.store.fingerprint(labels) };
    },
  );
}

function update(fake: FakeCompute, r: Req, path: string, fields: (current: Json) => Json): Json {
  const stored = fake.store.mustGet(path);
  if (r.method === 'PATCH' || r.method === 'PUT') {
    const next = fields(stored.body);
    return mutate(
      fake,
      r,
      { targetPath: path, targetId: stored.body['id'] as string, operationType: r.verb },
      () => {
        stored.body =
          r.verb === 'update'
            ? { ...pickIdentity(stored.body), ...next }
            : { ...stored.body, ...next };
      },
    );
  }
  throw badRequest('badRequest', `Unsupported method ${r.method}`);
}

/** A PUT or PATCH cannot rename: the body's name, when given, is the resource's (Compute v1 REST reference). */
function checkSameName(body: Json, current: Json): void {
  if (body['name'] !== undefined && body['name'] !== current['name'])
    throw invalid('resource.name', body['name'], 'The name of a resource cannot be changed.');
}

const IDENTITY = [
  'kind',
  'id',
  'creationTimestamp',
  'name',
  'description',
  'region',
  'selfLink',
  'loadBalancingScheme',
  'network',
  'timeoutSec',
  'connectionDraining',
  'logConfig',
  'disabled',
];
const pickIdentity = (b: Json): Json =>
  Object.fromEntries(Object.entries(b).filter(([k]) => IDENTITY.includes(k)));

function remove(fake: FakeCompute, r: Req, path: string): Json {
  const stored = fake.store.mustGet(path);
  const kind = singular(r.collection)
    .replace(/([A-Z])/g, '_$1')
    .toLowerCase();
  const users =
    r.collection === 'addresses'
      ? addressUsers(fake.store, { project: r.project, region: r.where }, stored.body)
      : fake.store.usersOf(path).map((p) => selfLink(p));
  if (users.length > 0)
    throw inUse(
      kind,
      path,
      users[0]?.replace(/^https:\/\/www\.googleapis\.com\/compute\/v1\//, '') ?? '',
    );
  return mutate(
    fake,
    r,
    { targetPath: path, targetId: stored.body['id'] as string, operationType: 'delete' },
    () => fake.store.delete(path),
  );
}

/**
 * `aggregatedList`: items grouped by scope, with the NO_RESULTS_ON_PAGE warning for scopes
 * without items on this page. The filter, `maxResults` and `pageToken` apply across scopes, as
 * in the Compute v1 REST reference (`{collection}.aggregatedList`: one page may hold several
 * scopes, `nextPageToken` continues where it stopped).
 */
function aggregated(
  fake: FakeCompute,
  project: string,
  collection: string,
  ctx: HandlerContext,
): Json {
  if (project !== fake.project) throw notFound(`projects/${project}`);
  const zonal = ['instanceGroups', 'instances', 'networkEndpointGroups'].includes(collection);
  const scopes = zonal ? fake.zones.map((z) => `zones/${z}`) : [`regions/${fake.region}`];
  const all = scopes.flatMap((scope) =>
    fake.store.list(project, scope, collection).map((s) => ({ ...view(fake, s), __scope: scope })),
  );
  const page = ctx.page(all, '', '');
  const found = page['items'] as Json[];
  const items: Json = {};
  for (const scope of scopes) {
    const here = found.filter((x) => x['__scope'] === scope).map(({ __scope: _, ...rest }) => rest);
    items[scope] =
      here.length > 0
        ? { [collection]: here }
        : {
            warning: {
              code: 'NO_RESULTS_ON_PAGE',
              message: `There are no results for scope '${scope}' on this page.`,
              data: [{ key: 'scope', value: scope }],
            },
          };
  }
  return {
    kind: `compute#${singular(collection)}AggregatedList`,
    id: `projects/${project}/aggregated/${collection}`,
    items,
    ...(page['nextPageToken'] === undefined ? {} : { nextPageToken: page['nextPageToken'] }),
    selfLink: selfLink(`projects/${project}/aggregated/${collection}`),
  };
}

const singular = (c: string) => (c.endsWith('sses') ? c.slice(0, -2) : c.replace(/s$/, ''));

export { firewallPath, instanceGroupPath, regionalPath };
