import { apply } from '../../src/apply/index.js';
import { isLbctlError } from '../../src/core/errors.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { Plan } from '../../src/core/plan.js';
import type { Provider } from '../../src/core/provider.js';
import type { Resource } from '../../src/core/resource.js';
import { hasChanges, plan } from '../../src/plan/index.js';

/** Observe → plan for one Service; `intent` undefined means the Service is gone (delete everything). */
export async function planFor(
  provider: Provider,
  clusterName: string,
  service: LoadBalancerIntent['service'],
  intent: LoadBalancerIntent | undefined,
): Promise<{ plan: Plan; observed: Resource[]; desired: Resource[] }> {
  const desired = intent === undefined ? [] : provider.desired(intent);
  const observed = await provider.observe({ service, desired }, { clusterName });
  return { plan: plan({ service, provider, desired, observed }), observed, desired };
}

/** One reconcile: plan and, when something differs, apply. Returns the plan it applied. */
export async function reconcileOnce(
  provider: Provider,
  clusterName: string,
  service: LoadBalancerIntent['service'],
  intent: LoadBalancerIntent | undefined,
): Promise<Plan> {
  const { plan: p, observed } = await planFor(provider, clusterName, service, intent);
  if (hasChanges(p)) await apply(p, provider, { observed, ctx: { clusterName } });
  return p;
}

/**
 * Reconciles until the plan is empty, as the controller's work queue does: a failed round
 * (the error is retryable) is followed by a fresh observe and plan. Bounded; returns the
 * number of rounds that applied something.
 */
export async function converge(
  provider: Provider,
  clusterName: string,
  service: LoadBalancerIntent['service'],
  intent: LoadBalancerIntent | undefined,
  maxRounds = 25,
): Promise<number> {
  let errors: unknown[] = [];
  for (let round = 0; round < maxRounds; round++) {
    try {
      const p = await reconcileOnce(provider, clusterName, service, intent);
      if (!hasChanges(p)) return round;
    } catch (e) {
      if (isLbctlError(e) && (e.kind === 'invalid' || e.kind === 'not-owned')) throw e;
      errors = [...errors.slice(-4), e];
    }
  }
  throw new Error(
    `${service.namespace}/${service.name} did not converge in ${maxRounds} rounds; last errors: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join(' | ')}`,
  );
}
