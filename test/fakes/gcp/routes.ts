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
  endpointKeys,
  newNetworkEndpointGroup,
  firewallFields,
  firewallPath,
  instanceGroupPath,
  instanceRefs,
  newFirewall,
  newInstanceGroup,
} from './global.js';
import type { At } from './regional.js';
import {
  addressUsers,
  backendServiceFields,
  checkSingleLoadBalancedGroup,
  loadBalancedGroups,
  healthCheckFields,
  newAddress,
  newBackendService,
  newForwardingRule,
  newHealthCheck,
  regionalPath,
} from './regional.js';
import type { FakeCompute } from './server.js';
import type { Json, Stored } from './store.js';
import { selfLink } from './store.js';
import { checkLabels } from './validate.js';

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
  'regions:subnetworks': 'subnetworks',
  'regions:operations': 'regionOperations',
  'zones:instanceGroups': 'instanceGroups',
  'zones:instances': 'instances',
  'zones:networkEndpointGroups': 'networkEndpointGroups',
  'zones:operations': 'zoneOperations',
  'global:firewalls': 'firewalls',
  'global:networks': 'networks',
  'global:operations': 'globalOperations',
};

const AGGREGATED =
  /^\/compute\/v1\/projects\/([^/]+)\/aggregated\/(instanceGroups|networkEndpointGroups|addresses|forwardingRules)$/;

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

interface Req {
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
      return update(fake, r, path, (cur) =>
        healthCheckFields(
          r.verb === 'patch' ? ctx.body : { ...ctx.body },
          r.verb === 'patch' ? cur : {},
        ),
      );
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

function membership(fake: FakeCompute, r: Req, path: string, body: Json): Json {
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
function endpoints(fake: FakeCompute, r: Req, path: string, body: Json): Json {
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

function listEndpoints(fake: FakeCompute, path: string, ctx: HandlerContext): Json {
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

function listInstances(fake: FakeCompute, path: string, ctx: HandlerContext): Json {
  const stored = fake.store.mustGet(path);
  const state = ctx.body['instanceState'] ?? 'ALL';
  if (state !== 'ALL' && state !== 'RUNNING')
    throw invalid('instanceState', state, 'Must be one of [ALL, RUNNING].');
  const items = [...(stored.members ?? [])]
    .sort()
    .map((p) => ({ instance: selfLink(p), status: 'RUNNING' }));
  return { ...ctx.page(items, 'compute#instanceGroupsListInstances', `${path}/listInstances`) };
}

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

/** What an Operation acts on, as its body reports it. */
interface OperationTarget {
  targetPath: string;
  targetId: string;
  operationType: string;
}

/** Starts an Operation; its effect happens now unless the fault injector dooms it, then it ends DONE with an error. */
function mutate(
  fake: FakeCompute,
  r: Req,
  { targetPath, targetId, operationType }: OperationTarget,
  apply: () => void,
): Json {
  const store = fake.store;
  const name = `operation-${Date.parse(store.now())}-${store.id().slice(-8)}`;
  const opPath = `projects/${r.project}/${r.scope}/operations/${name}`;
  const fails = fake.operationFails();
  if (!fails) apply();
  const scopeField =
    r.scope === 'global'
      ? {}
      : {
          [r.scope.startsWith('regions') ? 'region' : 'zone']: selfLink(
            `projects/${r.project}/${r.scope}`,
          ),
        };
  const body: Json = {
    kind: 'compute#operation',
    id: store.id(),
    name,
    operationType,
    targetLink: selfLink(targetPath),
    targetId,
    status: 'RUNNING',
    user: 'lbctl-fake@lbctl-test.iam.gserviceaccount.com',
    progress: 0,
    insertTime: store.now(),
    startTime: store.now(),
    selfLink: selfLink(opPath),
    ...scopeField,
  };
  const done: Json = {
    ...body,
    status: 'DONE',
    progress: 100,
    endTime: store.now(),
    ...(fails
      ? {
          error: {
            errors: [
              {
                code: 'INTERNAL_ERROR',
                message: `Internal error while running ${operationType} on ${targetPath}. Please retry.`,
              },
            ],
          },
          httpErrorStatusCode: 503,
          httpErrorMessage: 'SERVICE UNAVAILABLE',
        }
      : {}),
  };
  store.operations.set(opPath, { body: done, pollsLeft: fake.operationPolls });
  return body;
}

function operation(fake: FakeCompute, path: string, verb: string): Json {
  const opPath = verb === 'wait' ? path : path;
  const op = fake.store.operations.get(opPath.replace(/\/wait$/, ''));
  if (op === undefined) throw notFound(opPath);
  if (verb !== 'get' && verb !== 'wait')
    throw new ApiError(400, 'badRequest', `operations.${verb} is not supported`);
  if (op.pollsLeft > 0) {
    op.pollsLeft--;
    return {
      ...op.body,
      status: 'RUNNING',
      progress: 50,
      error: undefined,
      httpErrorStatusCode: undefined,
      httpErrorMessage: undefined,
      endTime: undefined,
    };
  }
  return op.body;
}

/** `aggregatedList`: items grouped by scope, with the NO_RESULTS_ON_PAGE warning for empty scopes (one page). */
function aggregated(
  fake: FakeCompute,
  project: string,
  collection: string,
  ctx: HandlerContext,
): Json {
  if (project !== fake.project) throw notFound(`projects/${project}`);
  const scopes =
    collection === 'instanceGroups' || collection === 'networkEndpointGroups'
      ? fake.zones.map((z) => `zones/${z}`)
      : [`regions/${fake.region}`];
  const items: Json = {};
  for (const scope of scopes) {
    const page = ctx.page(
      fake.store.list(project, scope, collection).map((s) => view(fake, s)),
      '',
      '',
    );
    const found = page['items'] as Json[];
    items[scope] =
      found.length > 0
        ? { [collection]: found }
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
    selfLink: selfLink(`projects/${project}/aggregated/${collection}`),
  };
}

const singular = (c: string) => (c.endsWith('sses') ? c.slice(0, -2) : c.replace(/s$/, ''));

export { firewallPath, instanceGroupPath, regionalPath };
