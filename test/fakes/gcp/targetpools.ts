import { alreadyExists, badRequest, invalid, required } from './errors.js';
import { mutate } from './operations.js';
import type { At } from './regional.js';
import { common } from './regional.js';
import type { Req } from './routes.js';
import type { FakeCompute } from './server.js';
import type { Json, Store } from './store.js';
import { refPath, selfLink } from './store.js';
import { checkDescription, checkName, intIn, oneOf } from './validate.js';

/**
 * The target-pool design of the external passthrough Network Load Balancer, as the in-tree GCE
 * provider builds it: regional `targetPools` (member instances and one legacy HTTP health check)
 * and global legacy `httpHealthChecks`, checked as the Compute API v1 REST reference describes
 * them (targetPools, httpHealthChecks resources and methods).
 */
export const httpHealthCheckPath = (project: string, name: string) =>
  `projects/${project}/global/httpHealthChecks/${name}`;

/** httpHealthChecks.insert; the defaults are the reference's (port 80, `/`, 5 s, 5 s, 2, 2). */
export function newHttpHealthCheck(store: Store, project: string, body: Json): Json {
  const name = checkName(body);
  checkDescription(body);
  const path = httpHealthCheckPath(project, name);
  if (store.get(path) !== undefined) throw alreadyExists(path);
  return {
    kind: 'compute#httpHealthCheck',
    id: store.id(),
    creationTimestamp: store.now(),
    name,
    description: body['description'] ?? '',
    ...httpHealthCheckFields(body),
    selfLink: selfLink(path),
  };
}

function httpHealthCheckFields(body: Json): Json {
  // HttpHealthCheck.host: "The value of the host header ... empty: the public IP of the rule".
  const host = body['host'] ?? '';
  if (typeof host !== 'string') throw invalid('resource.host', host, 'Must be a string.');
  const requestPath = body['requestPath'] ?? '/';
  if (typeof requestPath !== 'string' || !requestPath.startsWith('/'))
    throw invalid('resource.requestPath', requestPath, "Must start with '/'.");
  const pick = (k: string, min: number, max: number, fallback: number) =>
    intIn(`resource.${k}`, body[k], { min, max, fallback });
  const checkIntervalSec = pick('checkIntervalSec', 1, 300, 5);
  const timeoutSec = pick('timeoutSec', 1, 300, 5);
  // HttpHealthCheck.timeoutSec: "not valid for the timeoutSec to have greater value than checkIntervalSec".
  if (timeoutSec > checkIntervalSec)
    throw invalid(
      'resource.timeoutSec',
      timeoutSec,
      'TimeoutSec should be less than checkIntervalSec.',
    );
  return {
    host,
    requestPath,
    port: pick('port', 1, 65535, 80),
    checkIntervalSec,
    timeoutSec,
    healthyThreshold: pick('healthyThreshold', 1, 10, 2),
    unhealthyThreshold: pick('unhealthyThreshold', 1, 10, 2),
  };
}

/** targetPools.insert. */
export function newTargetPool(store: Store, at: At, body: Json): Json {
  const out = common(store, at, body, { collection: 'targetPools', kind: 'compute#targetPool' });
  // TargetPool.sessionAffinity: NONE (default), CLIENT_IP, CLIENT_IP_PROTO for target pools.
  const sessionAffinity = oneOf(
    'resource.sessionAffinity',
    body['sessionAffinity'],
    ['NONE', 'CLIENT_IP', 'CLIENT_IP_PROTO'] as const,
    'NONE',
  );
  const healthChecks = healthCheckRefs(
    store,
    at,
    listOf('resource.healthChecks', body['healthChecks']),
  );
  const instances = listOf('resource.instances', body['instances']).map((v, i) =>
    instanceURL(store, at, `resource.instances[${i}]`, v),
  );
  // Strict (the reference does not say): an instance listed twice is refused.
  if (new Set(instances).size !== instances.length)
    throw invalid('resource.instances', instances.join(','), 'Duplicate instances.');
  // TargetPool.backupPool / failoverRatio: not served (refused rather than ignored).
  if (body['backupPool'] !== undefined || body['failoverRatio'] !== undefined)
    throw badRequest(
      'invalid',
      'This fake does not serve backup pools (the in-tree provider sets none).',
    );
  return { ...out, sessionAffinity, healthChecks, instances };
}

/** targetPools.addInstance / removeInstance: `{instances: [{instance: URL}]}`. */
export function poolInstances(fake: FakeCompute, r: Req, path: string, body: Json): Json {
  const stored = fake.store.mustGet(path);
  const at = { project: r.project, region: r.where };
  const adding = r.verb === 'addInstance';
  const raw = body['instances'];
  if (!Array.isArray(raw) || raw.length === 0)
    throw invalid(
      'instances',
      JSON.stringify(raw ?? null),
      'At least one instance reference is required.',
    );
  const urls = raw.map((x: unknown, i) => {
    const v = ((x ?? {}) as Json)['instance'];
    return adding
      ? instanceURL(fake.store, at, `instances[${i}].instance`, v)
      : selfLink(refPath(`instances[${i}].instance`, v, r.project, 'instances'));
  });
  const current = (stored.body['instances'] as string[] | undefined) ?? [];
  // Strict (the reference does not say): a duplicate add or the removal of a non-member is refused.
  for (const u of urls) {
    if (adding && current.includes(u))
      throw badRequest('memberAlreadyExists', `Resource '${u}' is already a member of '${path}'.`);
    if (!adding && !current.includes(u))
      throw invalid('instances', u, `The instance is not a member of target pool '${path}'.`);
  }
  return mutate(
    fake,
    r,
    { targetPath: path, targetId: stored.body['id'] as string, operationType: r.verb },
    () => {
      stored.body = {
        ...stored.body,
        instances: adding ? [...current, ...urls] : current.filter((u) => !urls.includes(u)),
      };
    },
  );
}

/** targetPools.addHealthCheck / removeHealthCheck: `{healthChecks: [{healthCheck: URL}]}`. */
export function poolHealthChecks(fake: FakeCompute, r: Req, path: string, body: Json): Json {
  const stored = fake.store.mustGet(path);
  const at = { project: r.project, region: r.where };
  const adding = r.verb === 'addHealthCheck';
  const raw = body['healthChecks'];
  if (!Array.isArray(raw) || raw.length === 0)
    throw invalid(
      'healthChecks',
      JSON.stringify(raw ?? null),
      'At least one health check is required.',
    );
  const given = raw.map((x: unknown) => ((x ?? {}) as Json)['healthCheck']);
  const urls = adding
    ? healthCheckRefs(fake.store, at, given)
    : given.map((v, i) =>
        selfLink(refPath(`healthChecks[${i}].healthCheck`, v, r.project, 'httpHealthChecks')),
      );
  const current = (stored.body['healthChecks'] as string[] | undefined) ?? [];
  const next = adding
    ? [...new Set([...current, ...urls])]
    : current.filter((u) => !urls.includes(u));
  // TargetPool.healthChecks: "Only one health check may be specified."
  if (next.length > 1)
    throw invalid(
      'healthChecks',
      next.join(','),
      'A target pool may have at most one health check.',
    );
  return mutate(
    fake,
    r,
    { targetPath: path, targetId: stored.body['id'] as string, operationType: r.verb },
    () => {
      stored.body = { ...stored.body, healthChecks: next };
    },
  );
}

/** TargetPool.healthChecks: "Only legacy HttpHealthChecks are supported. Only one health check may be specified." */
function healthCheckRefs(store: Store, at: At, values: unknown[]): string[] {
  if (values.length > 1)
    throw invalid(
      'resource.healthChecks',
      values.join(','),
      'Only one health check may be specified.',
    );
  return values.map((v, i) => {
    const path = refPath(`resource.healthChecks[${i}]`, v, at.project, [
      'httpHealthChecks',
      'healthChecks',
    ]);
    if (!/\/global\/httpHealthChecks\//.test(path))
      throw invalid(
        `resource.healthChecks[${i}]`,
        v,
        'Target pools only support legacy HTTP health checks (global httpHealthChecks).',
      );
    store.mustGet(path);
    return selfLink(path);
  });
}

/** An instance of a zone of the pool's region that exists (TargetPool.instances). */
function instanceURL(store: Store, at: At, field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') throw required(field);
  const path = refPath(field, value, at.project, 'instances');
  if (!new RegExp(`/zones/${at.region}-[a-z]/`).test(path))
    throw invalid(
      field,
      value,
      `The instance must be in a zone of region ${at.region}, the target pool's.`,
    );
  store.mustGet(path);
  return selfLink(path);
}

function listOf(field: string, v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid(field, JSON.stringify(v), 'Must be a list.');
  return v;
}
