import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { Plan, Step } from '../../src/core/plan.js';
import type { Provider } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import { plan } from '../../src/plan/index.js';

/**
 * observe → plan → execute in plan order, as src/apply does (replace = delete then create, state
 * updated after each step). `intent` null means the Service is gone: delete everything.
 */
export async function reconcileOnce(
  provider: Provider,
  service: ServiceIdentity,
  intent: LoadBalancerIntent | null,
): Promise<{ plan: Plan; resources: Resource[] }> {
  const desired = intent === null ? [] : provider.desired(intent);
  const observed = await provider.observe(
    { service, desired },
    { clusterName: intent?.clusterName ?? 'prod' },
  );
  const p = plan({ service, provider, desired, observed });
  const state = new Map(observed.map((r) => [addressOf(r), r]));
  const steps = new Map(p.steps.map((s) => [s.address, s]));
  for (const action of p.order) {
    const full = steps.get(action.address) as Step;
    const { before, after, ...rest } = full;
    const step: Step =
      full.action !== 'replace'
        ? full
        : action.action === 'delete'
          ? {
              ...rest,
              action: 'delete',
              ...(before === undefined ? {} : { before }),
              changes: [],
              setDeltas: [],
            }
          : {
              ...rest,
              action: 'create',
              ...(after === undefined ? {} : { after }),
              changes: [],
              setDeltas: [],
            };
    const result = await provider.execute({ step, state }, { clusterName: 'prod' });
    if (action.action === 'delete') state.delete(action.address);
    else if (result !== undefined) state.set(action.address, result);
  }
  return { plan: p, resources: [...state.values()] };
}

/** Reconciles until a plan has no changes, retrying retryable failures (bounded), like the controller. */
export async function converge(
  provider: Provider,
  service: ServiceIdentity,
  intent: LoadBalancerIntent | null,
  maxRounds = 30,
): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    try {
      const { plan: p } = await reconcileOnce(provider, service, intent);
      if (p.steps.every((s) => s.action === 'no-op')) return round;
    } catch (e) {
      const retryable = (e as { retryable?: boolean }).retryable === true;
      const transientSdk = e instanceof Error && e.name === 'RestError';
      if (!retryable && !transientSdk) throw e;
    }
  }
  throw new Error(`${service.namespace}/${service.name} did not converge in ${maxRounds} rounds`);
}
