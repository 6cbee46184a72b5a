import type { Logger } from 'pino';
import { apply } from '../apply/index.js';
import { LbctlError } from '../core/errors.js';
import type { LoadBalancerIngress, Service } from '../core/k8s.js';
import type { Plan } from '../core/plan.js';
import type { Provider, ProviderContext } from '../core/provider.js';
import type { Resource } from '../core/resource.js';
import { wantsLoadBalancer } from '../intent/index.js';
import { planService, type ServicePlan } from '../pipeline/index.js';
import { addressChanges, describeBlocked, hasChanges } from '../plan/index.js';
import { recordApplied, specFingerprint, specHash, type AppliedState } from './applied.js';
import { portsCondition, provisioned, withPorts } from './conditions.js';
import { describeDrift } from './drift.js';
import { reportPending } from './dry-run.js';
import { REASON, type EventRecorder } from './events.js';
import { cleanup, cleanupForgotten } from './cleanup.js';
import { FINALIZER, hasFinalizer, setFinalizer } from './finalizer.js';
import type { ClusterCache } from './informers.js';
import type { KubeApi } from './kube.js';
import type { ControllerPolicy, PendingChanges } from './policy.js';
import { writeServiceStatus } from './service-status.js';

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
  /** For the conditions' lastTransitionTime; default Date.now. */
  now?: () => number;
  policy?: ControllerPolicy;
  /** Dry run: each Service's pending changes, for the metrics. */
  pending?: PendingChanges;
}

export type Result =
  | 'synced'
  | 'unchanged'
  | 'deleted'
  | 'skipped'
  | 'invalid'
  | 'provisioning'
  /** A replacement that would change the Service's address was refused (docs/running.md). */
  | 'blocked'
  /** Drift found and, with `--drift=report`, only reported. */
  | 'drift-reported'
  /** Dry run: the plan was published, nothing changed. */
  | 'planned';

/** How to allow a blocked replacement, as the Event and the condition say it. */
const ALLOW_HOW =
  'annotate the Service with lbctl.io/allow-replacement: "true" or run the controller with --allow-replacement.';

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
  if (service === undefined) {
    deps.pending?.(key, undefined);
    return cleanupForgotten(deps, key);
  }
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
      // A dry run has no plan to count for an invalid Service.
      if (deps.policy?.dryRun === true) deps.pending?.(key, undefined);
      else {
        await writeServiceStatus(statusWriter(deps), key, service as Service, {
          conditions: [
            provisioned(e.kind === 'invalid' ? 'InvalidInput' : 'ResourceNotOwned', e.message),
          ],
        });
      }
      return { result: 'invalid', managed: false };
    }
    throw e;
  }

  if (deps.policy?.dryRun === true) {
    await reportPending({ ...deps, key, service: service as Service, plan: sp.plan });
    return { result: 'planned', managed: true };
  }

  const changed = hasChanges(sp.plan);
  const listeners = (sp.intent?.listeners ?? []).filter(
    (l) => !sp.refused.some((r) => r.listener === l.name),
  );
  const portsCond = portsCondition(service as Service, sp.refused);
  const statusOf = (resources: readonly Resource[]) =>
    withPorts(deps.provider.ingress(resources), listeners, sp.refused);

  if (
    changed &&
    addressChanges(sp.plan).length > 0 &&
    !sp.allowsReplacement &&
    deps.policy?.allowReplacement !== true
  ) {
    const message = describeBlocked(sp.plan, ALLOW_HOW);
    deps.logger.warn({ steps: summary(sp.plan) }, 'replacement blocked');
    await deps.events.record(service as Service, 'Warning', REASON.replacementBlocked, message);
    await writeServiceStatus(statusWriter(deps), key, service as Service, {
      ingress: statusOf(sp.observed),
      conditions: [provisioned('ReplacementBlocked', message), ...(portsCond ? [portsCond] : [])],
    });
    return { result: 'blocked', managed: true };
  }

  // Drift is a difference found by verification while the Service itself is as last applied.
  const drift =
    changed &&
    reasons.has('verify') &&
    last !== undefined &&
    !nodesOnly &&
    last.uid === service.metadata.uid &&
    last.fingerprint === specFingerprint(service);
  if (drift && deps.policy?.drift === 'report') {
    await deps.events.record(
      service as Service,
      'Warning',
      REASON.drift,
      describeDrift(sp.plan, 1000, 'Drift detected, not repaired (--drift=report)'),
    );
    return { result: 'drift-reported', managed: true };
  }

  let current: Readonly<Service> = service;
  if (!hasFinalizer(service)) {
    const updated = await setFinalizer(deps.kube, service, true);
    if (updated === undefined) return { result: 'skipped', managed: false };
    current = updated;
  }

  let resources: Resource[] = sp.observed;
  if (changed) {
    const svc = current as Service;
    if (drift) await deps.events.record(svc, 'Warning', REASON.drift, describeDrift(sp.plan));
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

  const ingress = statusOf(resources);
  const addresses = ingress.map((i) => i.ip ?? i.hostname).join(', ');
  const written = await writeServiceStatus(statusWriter(deps), key, current as Service, {
    ingress,
    conditions: [
      ingress.length === 0
        ? provisioned('WaitingForCloud', 'waiting for the cloud to assign an address')
        : provisioned('Provisioned', `load balancer provisioned at ${addresses}`),
      ...(portsCond ? [portsCond] : []),
    ],
  });
  if (ingress.length === 0) return { result: 'provisioning', managed: true };
  await recordApplied(deps.kube, written ?? current, specHash(service));
  return {
    result: changed || written !== undefined ? 'synced' : 'unchanged',
    managed: true,
    ingress,
  };
}

/** With no class configured we own class-less Services; with one, only Services of that class. */
export function isOurClass(s: Readonly<Service>, loadBalancerClass: string | undefined): boolean {
  return (s.spec.loadBalancerClass ?? undefined) === loadBalancerClass;
}

export const statusWriter = (deps: ReconcileDeps) => ({
  kube: deps.kube,
  now: deps.now ?? Date.now,
});

export const contextOf = (deps: ReconcileDeps): ProviderContext => ({
  clusterName: deps.clusterName,
  ...(deps.signal === undefined ? {} : { signal: deps.signal }),
});

export const summary = (p: Plan): string[] =>
  p.steps.filter((s) => s.action !== 'no-op').map((s) => `${s.action} ${s.address}`);

export { FINALIZER };
