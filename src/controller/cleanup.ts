import { apply } from '../apply/index.js';
import { LbctlError } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import { parseKey } from '../core/k8s.js';
import type { ProviderContext } from '../core/provider.js';
import { planService } from '../pipeline/index.js';
import { hasChanges } from '../plan/index.js';
import { reportPending } from './dry-run.js';
import { REASON } from './events.js';
import { setFinalizer } from './finalizer.js';
import { contextOf, summary, type Outcome, type ReconcileDeps } from './reconcile.js';
import { statusPatch } from './status.js';

/** The deleting half of a reconcile: a Service that no longer wants its load balancer, or vanished. */
export async function cleanup(
  deps: ReconcileDeps,
  key: string,
  service: Readonly<Service>,
): Promise<Outcome> {
  const ctx = contextOf(deps);
  const sp = await planDeletion(deps, service as Service, ctx);
  if (deps.policy?.dryRun === true) {
    await reportPending({ ...deps, key, service: service as Service, plan: sp.plan });
    return { result: 'planned', managed: false };
  }
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
export async function cleanupForgotten(deps: ReconcileDeps, key: string): Promise<Outcome> {
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
