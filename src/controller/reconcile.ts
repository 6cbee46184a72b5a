import type { Logger } from 'pino';
import { apply } from '../apply/index.js';
import { LbctlError } from '../core/errors.js';
import type { LoadBalancerIngress, Service } from '../core/k8s.js';
import { parseKey } from '../core/k8s.js';
import type { Plan } from '../core/plan.js';
import type { Provider, ProviderContext } from '../core/provider.js';
import type { Resource } from '../core/resource.js';
import { wantsLoadBalancer } from '../intent/index.js';
import { planService, type ServicePlan } from '../pipeline/index.js';
import { hasChanges } from '../plan/index.js';
import { recordApplied, specFingerprint, specHash, type AppliedState } from './applied.js';
import { describeDrift } from './drift.js';
import { REASON, type EventRecorder } from './events.js';
import { FINALIZER, hasFinalizer, setFinalizer } from './finalizer.js';
import type { ClusterCache } from './informers.js';
import type { KubeApi } from './kube.js';
import { statusPatch } from './status.js';

/** Why a key was queued; a reconcile may serve several at once. */
export type Reason = 'service' | 'nodes' | 'verify' | 'retry';

export interface ReconcileDeps {
  cache: ClusterCache;
  kube: Pick<KubeApi, 'getService' | 'updateService' | 'patchServiceStatus'>;
  events: EventRecorder;
  provider: Provider;
  clusterName: string;
  loadBalancerClass?: string;
  applied: Map<string, AppliedState>;
  logger: Logger;
  signal?: AbortSignal;
}

export type Result = 'synced' | 'unchanged' | 'deleted' | 'skipped' | 'invalid' | 'provisioning';

export interface Outcome {
  result: Result;
  /** Whether the Service still wants a load balancer (then it is verified periodically). */
  managed: boolean;
  /** The status.loadBalancer.ingress the Service now shows, when ensured. */
  ingress?: LoadBalancerIngress[];
}

/**
 * One reconcile of one Service key: read from the informer cache → planService (layers verify →
 * intent → desired → observe → plan) → apply → status. Idempotent; throws a typed error for the
 * queue to retry. Input errors are reported as a Warning Event naming the field, with no cloud call.
 */
export async function reconcile(
  deps: ReconcileDeps,
  key: string,
  reasons: ReadonlySet<Reason>,
): Promise<Outcome> {
  const service = deps.cache.service(key);
  if (service === undefined) return cleanupForgotten(deps, key);
  const classOption =
    deps.loadBalancerClass === undefined ? {} : { loadBalancerClass: deps.loadBalancerClass };
  const wants =
    service.metadata.deletionTimestamp === undefined && wantsLoadBalancer(service, classOption);
  if (!wants) {
    // The finalizer is shared by every load balancer controller: only touch it on Services
    // whose class is ours (type changed away, or deleted), never on another class's.
    if (!hasFinalizer(service) || !isOurClass(service, deps.loadBalancerClass)) {
      return { result: 'skipped', managed: false };
    }
    return cleanup(deps, key, service);
  }
  return ensure(deps, key, service, reasons);
}

async function ensure(
  deps: ReconcileDeps,
  key: string,
  service: Readonly<Service>,
  reasons: ReadonlySet<Reason>,
): Promise<Outcome> {
  const ctx = contextOf(deps);
  const last = deps.applied.get(key);
  // A node change alone plans against what was last applied: no cloud reads at all.
  const nodesOnly =
    reasons.size === 1 &&
    reasons.has('nodes') &&
    last !== undefined &&
    last.uid === service.metadata.uid &&
    last.fingerprint === specFingerprint(service);
  let sp: ServicePlan;
  try {
    sp = await planService({
      service: service as Service,
      nodes: deps.cache.nodes(),
      provider: deps.provider,
      clusterName: deps.clusterName,
      mode: 'verify',
      ctx,
      ...(deps.loadBalancerClass === undefined
        ? {}
        : { loadBalancerClass: deps.loadBalancerClass }),
      ...(nodesOnly ? { observed: last.resources } : {}),
    });
  } catch (e) {
    if (e instanceof LbctlError && (e.kind === 'invalid' || e.kind === 'not-owned')) {
      deps.logger.warn({ err: e.message }, 'not syncing load balancer');
      await deps.events.record(service as Service, 'Warning', REASON.failed, e.message);
      return { result: 'invalid', managed: false };
    }
    throw e;
  }

  let current: Readonly<Service> = service;
  if (!hasFinalizer(service)) {
    const updated = await setFinalizer(deps.kube, service, true);
    if (updated === undefined) return { result: 'skipped', managed: false };
    current = updated;
  }

  let resources: Resource[] = sp.observed;
  const changed = hasChanges(sp.plan);
  if (changed) {
    const svc = current as Service;
    if (reasons.has('verify') && last !== undefined && !nodesOnly) {
      await deps.events.record(svc, 'Warning', REASON.drift, describeDrift(sp.plan));
    }
    if (!nodesOnly)
      await deps.events.record(svc, 'Normal', REASON.ensuring, 'Ensuring load balancer');
    deps.logger.info({ steps: summary(sp.plan) }, 'applying plan');
    resources = (await apply(sp.plan, deps.provider, { observed: sp.observed, ctx })).resources;
    await deps.events.record(
      svc,
      'Normal',
      nodesOnly ? REASON.updated : REASON.ensured,
      nodesOnly ? 'Updated load balancer with new hosts' : 'Ensured load balancer',
    );
  }
  deps.applied.set(key, {
    uid: service.metadata.uid ?? '',
    fingerprint: specFingerprint(service),
    resources,
  });

  const ingress = deps.provider.ingress(resources);
  const patch = statusPatch(current as Service, ingress);
  if (patch !== undefined) {
    const { namespace, name } = parseKey(key);
    current = await deps.kube.patchServiceStatus(namespace, name, patch);
  }
  if (ingress.length === 0) return { result: 'provisioning', managed: true };
  await recordApplied(deps.kube, current, specHash(service));
  return {
    result: changed || patch !== undefined ? 'synced' : 'unchanged',
    managed: true,
    ingress,
  };
}

async function cleanup(
  deps: ReconcileDeps,
  key: string,
  service: Readonly<Service>,
): Promise<Outcome> {
  const ctx = contextOf(deps);
  const sp = await planDeletion(deps, service as Service, ctx);
  if (hasChanges(sp.plan)) {
    await deps.events.record(
      service as Service,
      'Normal',
      REASON.deleting,
      'Deleting load balancer',
    );
    deps.logger.info({ steps: summary(sp.plan) }, 'deleting load balancer');
    await apply(sp.plan, deps.provider, { observed: sp.observed, ctx });
    // Deletion is verified by reading again before the finalizer goes.
    const left = await deps.provider.observe({ service: sp.service, desired: [] }, ctx);
    if (left.length > 0) {
      throw new LbctlError(
        'transient',
        `deletion not complete yet: ${left.length} resource(s) remain (${left.map((r) => `${r.type}.${r.name}`).join(', ')})`,
      );
    }
    await deps.events.record(service as Service, 'Normal', REASON.deleted, 'Deleted load balancer');
  }
  deps.applied.delete(key);
  if (service.metadata.deletionTimestamp === undefined) {
    const patch = statusPatch(service as Service, []);
    if (patch !== undefined) {
      const { namespace, name } = parseKey(key);
      await deps.kube.patchServiceStatus(namespace, name, patch);
    }
  }
  await setFinalizer(deps.kube, service, false);
  return { result: 'deleted', managed: false };
}

/**
 * A Service that vanished from the cache while we still hold applied state for it (its
 * finalizer was removed by hand): delete what it left in the cloud, found by its tags.
 */
async function cleanupForgotten(deps: ReconcileDeps, key: string): Promise<Outcome> {
  const last = deps.applied.get(key);
  if (last === undefined) return { result: 'skipped', managed: false };
  const { namespace, name } = parseKey(key);
  const ghost: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name, uid: last.uid, deletionTimestamp: new Date(0).toISOString() },
    spec: {},
  };
  const ctx = contextOf(deps);
  const sp = await planDeletion(deps, ghost, ctx);
  if (hasChanges(sp.plan)) await apply(sp.plan, deps.provider, { observed: sp.observed, ctx });
  deps.applied.delete(key);
  return { result: 'deleted', managed: false };
}

/** The plan that deletes everything the Service owns in the cloud, found by its tags. */
const planDeletion = (deps: ReconcileDeps, service: Service, ctx: ProviderContext) =>
  planService({
    service,
    nodes: [],
    provider: deps.provider,
    clusterName: deps.clusterName,
    mode: 'verify',
    ctx,
    destroy: true,
  });

/** With no class configured we own class-less Services; with one, only Services of that class. */
export function isOurClass(s: Readonly<Service>, loadBalancerClass: string | undefined): boolean {
  return (s.spec.loadBalancerClass ?? undefined) === loadBalancerClass;
}

const contextOf = (deps: ReconcileDeps): ProviderContext => ({
  clusterName: deps.clusterName,
  ...(deps.signal === undefined ? {} : { signal: deps.signal }),
});

const summary = (p: Plan): string[] =>
  p.steps.filter((s) => s.action !== 'no-op').map((s) => `${s.action} ${s.address}`);

export { FINALIZER };
