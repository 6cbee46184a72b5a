import { LbctlError, NotOwnedError, isLbctlError } from '../../src/core/errors.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { SetDelta } from '../../src/core/plan.js';
import type {
  CallLog,
  ExecuteRequest,
  ObserveRequest,
  OwnedResource,
  Provider,
  ProviderContext,
} from '../../src/core/provider.js';
import type { Attributes, Resource } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import {
  RESOURCE_TAG,
  SERVICE_NAME_TAG,
  SERVICE_UID_TAG,
  clusterTagKey,
  isOwnedBy,
} from '../../src/core/tags.js';
import { createCloudCaller, type ClassLimit, type RetryOptions } from '../shared/index.js';
import type { CloudResource, LocalCloud } from './cloud.js';
import { desiredLocal, ingressLocal, loadBalancerName } from './desired.js';
import { LB, localSchemas } from './schemas.js';

const REFERENCES = ['load_balancer', 'target_set'] as const;

export interface ConnectOptions {
  /** Client-side limits per API class (`read`, `write`), adaptive to throttling; default 1,000/s, burst 200. */
  clientLimits?: Readonly<Record<'read' | 'write', ClassLimit>>;
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

const DEFAULT_RETRY: RetryOptions = {
  retries: 6,
  minTimeoutMs: 100,
  maxTimeoutMs: 5_000,
  factor: 2,
};
const DEFAULT_LIMIT: ClassLimit = { rate: 1_000, burst: 200 };

/**
 * Observe and execute against a LocalCloud through the shared cloud caller (providers/shared):
 * client-side adaptive rate limits, retries with jitter, and every attempt in `calls`.
 */
export function connectLocal(
  cloud: LocalCloud,
  calls: CallLog,
  options: ConnectOptions = {},
): Provider {
  const limits = options.clientLimits ?? { read: DEFAULT_LIMIT, write: DEFAULT_LIMIT };
  const caller = createCloudCaller({
    provider: 'local',
    calls,
    classify: (e) =>
      isLbctlError(e)
        ? e
        : new LbctlError('transient', e instanceof Error ? e.message : String(e), { cause: e }),
    limiter: { classes: limits },
    retry: options.retry ?? DEFAULT_RETRY,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  const call = <T>(operation: string, write: boolean, fn: () => Promise<T>): Promise<T> =>
    caller({ operation, write, apiClass: write ? 'write' : 'read' }, fn);

  async function observe(request: ObserveRequest, ctx: ProviderContext): Promise<Resource[]> {
    const { service } = request;
    const found = await call('DescribeResources', false, () =>
      cloud.describe({
        [clusterTagKey(ctx.clusterName)]: 'owned',
        [SERVICE_NAME_TAG]: `${service.namespace}/${service.name}`,
      }),
    );
    // No owned load balancer: one with the Service's name but without our tag must be refused,
    // whether the Service wants one (create) or not (delete), and never touched.
    if (!found.some((r) => r.type === LB)) {
      const name = loadBalancerName(service.uid);
      const byName = await call('DescribeLoadBalancers', false, () =>
        cloud.describeLoadBalancersByName([name]),
      );
      const foreign = byName.find((r) => !isOwnedBy(r.tags, ctx.clusterName));
      if (foreign !== undefined) {
        throw new NotOwnedError(
          `load balancer ${name} (${foreign.id})`,
          `it has no ${clusterTagKey(ctx.clusterName)}=owned tag`,
        );
      }
    }
    const addressById = new Map(found.map((r) => [r.id, r.tags[RESOURCE_TAG] ?? r.id]));
    return found
      .filter((r) => r.tags[RESOURCE_TAG] !== undefined)
      .map((r) => toResource(r, addressById))
      .sort((a, b) => (addressOf(a) < addressOf(b) ? -1 : 1));
  }

  async function sweep(ctx: ProviderContext): Promise<OwnedResource[]> {
    const found = await call('DescribeResources', false, () =>
      cloud.describe({ [clusterTagKey(ctx.clusterName)]: 'owned' }),
    );
    const addressById = new Map(found.map((r) => [r.id, r.tags[RESOURCE_TAG] ?? r.id]));
    return found
      .filter((r) => r.tags[RESOURCE_TAG] !== undefined)
      .map((r) => {
        const service = serviceOf(r.tags);
        const resource = toResource(r, addressById);
        return service === undefined ? { resource } : { resource, service };
      });
  }

  async function execute(
    request: ExecuteRequest,
    ctx: ProviderContext,
  ): Promise<Resource | undefined> {
    const { step, state } = request;
    const idOf = (address: string): string => {
      const id = state.get(address)?.id;
      if (id === undefined) {
        throw new LbctlError(
          'terminal',
          `${step.address} needs ${address}, which has no cloud ID yet`,
        );
      }
      return id;
    };
    const addressById = new Map(
      [...state.values()].flatMap((r) =>
        r.id === undefined ? [] : [[r.id, addressOf(r)] as const],
      ),
    );
    const kind = step.address.slice(0, step.address.indexOf('.'));
    switch (step.action) {
      case 'create': {
        const after = required(step.after, step.address);
        const tags = tagsOf(after);
        const created = await call(`Create${kindName(kind)}`, true, () =>
          cloud.create({
            type: after.type,
            attributes: withIds(after.attributes, idOf),
            tags,
            clientToken: [
              tags[clusterTagKey(ctx.clusterName)],
              tags[SERVICE_UID_TAG],
              step.address,
            ].join('|'),
          }),
        );
        return toResource(created, addressById);
      }
      case 'update': {
        const before = required(step.before, step.address);
        const after = required(step.after, step.address);
        const id = required(before.id, `${step.address} id`);
        const schema = localSchemas[after.type];
        const sets = new Set(schema?.sets ?? []);
        let current: CloudResource | undefined;
        const plain = step.changes.filter((c) => !sets.has(c.path.split('.')[0] ?? ''));
        if (plain.length > 0) {
          const attributes: Attributes = {};
          for (const top of new Set(plain.map((c) => c.path.split('.')[0] ?? c.path))) {
            if (top === 'tags') continue;
            attributes[top] = withIds(after.attributes, idOf)[top] ?? null;
          }
          current = await call(`Modify${kindName(kind)}`, true, () =>
            cloud.modify(id, attributes, tagsOf(after)),
          );
        }
        for (const delta of step.setDeltas) {
          for (const part of splitDelta(delta)) {
            const operation = operationFor(part);
            current = await call(operation, true, () =>
              cloud.changeMembers({ id, attribute: part.path, add: part.add, remove: part.remove }),
            );
          }
        }
        return current === undefined ? before : toResource(current, addressById);
      }
      case 'delete': {
        const before = required(step.before, step.address);
        const id = required(before.id, `${step.address} id`);
        try {
          await call(`Delete${kindName(kind)}`, true, () => cloud.delete(id));
        } catch (e) {
          if (!(isLbctlError(e) && e.kind === 'not-found')) throw e;
        }
        return undefined;
      }
      default:
        throw new LbctlError(
          'terminal',
          `execute cannot run a ${step.action} step (${step.address})`,
        );
    }
  }

  return {
    name: 'local',
    schemas: localSchemas,
    desired: desiredLocal,
    ingress: ingressLocal,
    observe,
    execute,
    sweep,
    calls,
    clientRates: { read: limits.read.rate, write: limits.write.rate },
  };
}

function serviceOf(tags: Readonly<Record<string, string>>): ServiceIdentity | undefined {
  const [namespace, name] = (tags[SERVICE_NAME_TAG] ?? '').split('/');
  const uid = tags[SERVICE_UID_TAG];
  if (namespace === undefined || name === undefined || uid === undefined) return undefined;
  return { namespace, name, uid };
}

/** Adds and removes are separate API calls, as on every cloud; empty halves make no call. */
function splitDelta(d: SetDelta): SetDelta[] {
  return [
    ...(d.remove.length > 0 ? [{ path: d.path, add: [], remove: d.remove }] : []),
    ...(d.add.length > 0 ? [{ path: d.path, add: d.add, remove: [] }] : []),
  ];
}

function operationFor(d: SetDelta): string {
  if (d.path === 'members') return d.add.length > 0 ? 'RegisterTargets' : 'DeregisterTargets';
  return d.add.length > 0 ? 'AuthorizeSourceRanges' : 'RevokeSourceRanges';
}

function kindName(type: string): string {
  return type === LB ? 'LoadBalancer' : type === 'local_listener' ? 'Listener' : 'TargetSet';
}

function tagsOf(r: Resource): Record<string, string> {
  const tags = r.attributes['tags'];
  const out: Record<string, string> = {};
  if (tags !== null && typeof tags === 'object' && !Array.isArray(tags)) {
    for (const [k, v] of Object.entries(tags)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function withIds(attributes: Attributes, idOf: (address: string) => string): Attributes {
  const out: Attributes = { ...attributes };
  delete out['tags'];
  for (const ref of REFERENCES) {
    const v = attributes[ref];
    if (typeof v === 'string') out[ref] = idOf(v);
  }
  return out;
}

function toResource(r: CloudResource, addressById: ReadonlyMap<string, string>): Resource {
  const address = r.tags[RESOURCE_TAG] ?? `${r.type}.${r.id}`;
  const attributes: Attributes = { ...structuredClone(r.attributes), tags: { ...r.tags } };
  const dependsOn: string[] = [];
  for (const ref of REFERENCES) {
    const v = attributes[ref];
    if (typeof v === 'string') {
      attributes[ref] = addressById.get(v) ?? v;
      dependsOn.push(String(attributes[ref]));
    }
  }
  return {
    type: r.type,
    name: address.slice(address.indexOf('.') + 1),
    id: r.id,
    attributes,
    dependsOn: dependsOn.sort(),
  };
}

function required<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new LbctlError('terminal', `plan step for ${what} is missing data`);
  return v;
}
