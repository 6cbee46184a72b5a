import { apply } from '../../src/apply/index.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { Plan } from '../../src/core/plan.js';
import type { Provider } from '../../src/core/provider.js';
import type { Resource } from '../../src/core/resource.js';
import { plan } from '../../src/plan/index.js';

/** observe → plan → src/apply, as the CLI and controller do. `intent` null means the Service is gone. */
export async function reconcileOnce(
  provider: Provider,
  service: ServiceIdentity,
  intent: LoadBalancerIntent | null,
): Promise<{ plan: Plan; resources: Resource[] }> {
  const ctx = { clusterName: intent?.clusterName ?? 'prod' };
  const desired = intent === null ? [] : provider.desired(intent);
  const observed = await provider.observe({ service, desired }, ctx);
  const p = plan({ service, provider, desired, observed });
  const { resources } = await apply(p, provider, { observed, ctx });
  return { plan: p, resources };
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
      const cause = (e as { cause?: unknown }).cause;
      const retryable = [e, cause].some(
        (x) => (x as { retryable?: boolean } | undefined)?.retryable === true,
      );
      if (!retryable) throw e;
    }
  }
  throw new Error(`${service.namespace}/${service.name} did not converge in ${maxRounds} rounds`);
}
