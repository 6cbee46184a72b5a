import { createCallLog } from '../../src/core/calls.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { Plan } from '../../src/core/plan.js';
import type { CallLog, Provider } from '../../src/core/provider.js';
import type { Resource } from '../../src/core/resource.js';
import { apply } from '../../src/apply/index.js';
import { hasChanges, plan } from '../../src/plan/index.js';
import { createGcpProvider } from '../../providers/gcp/provider.js';
import { readSettings } from '../../providers/gcp/settings.js';
import { FakeCompute } from '../fakes/gcp/server.js';
import type { FakeComputeOptions } from '../fakes/gcp/server.js';

export const CLUSTER = 'prod';

/** The fake on loopback, nodes seeded as instances, and the real provider (SDK over HTTP) with zero-delay retries. */
export async function startGcp(
  options: FakeComputeOptions & { settings?: Record<string, string> } = {},
): Promise<{
  fake: FakeCompute;
  provider: Provider & { close(): Promise<void> };
  calls: CallLog;
  stop(): Promise<void>;
}> {
  const fake = new FakeCompute({ token: 'test-token', ...options });
  await fake.start();
  for (const [zone, name] of [
    ['us-central1-a', 'node-a'],
    ['us-central1-b', 'node-b'],
    ['us-central1-a', 'node-c'],
    ['us-central1-b', 'node-d'],
  ] as const) {
    fake.seedInstance(zone, name);
  }
  const calls = createCallLog();
  const settings = readSettings({
    clusterName: CLUSTER,
    values: {
      project: fake.project,
      endpoint: fake.url,
      'access-token': 'test-token',
      ...options.settings,
    },
    env: {},
  });
  const provider = createGcpProvider(settings, CLUSTER, {
    calls,
    retry: { retries: 8, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 1 },
    sleep: async () => {},
    random: () => 0,
  });
  return {
    fake,
    provider,
    calls,
    async stop() {
      await provider.close();
      await fake.stop();
    },
  };
}

/** observe → plan → apply (src/apply), as the controller and `lbctl apply` do. `null` intent: delete everything. */
export async function reconcile(
  provider: Provider,
  service: ServiceIdentity,
  intent: LoadBalancerIntent | null,
): Promise<{ plan: Plan; resources: Resource[]; observed: Resource[] }> {
  const desired = intent === null ? [] : provider.desired(intent);
  const observed = await provider.observe({ service, desired }, { clusterName: CLUSTER });
  const p = plan({ service, provider, desired, observed });
  const { resources } = await apply(p, provider, { observed, ctx: { clusterName: CLUSTER } });
  return { plan: p, resources, observed };
}

/** Reconciles until a plan has no changes, retrying failed reconciles (bounded), like the controller's queue. */
export async function converge(
  provider: Provider,
  service: ServiceIdentity,
  intent: LoadBalancerIntent | null,
  maxRounds = 40,
): Promise<{ rounds: number; failures: number }> {
  let failures = 0;
  for (let round = 1; round <= maxRounds; round++) {
    try {
      const { plan: p } = await reconcile(provider, service, intent);
      if (!hasChanges(p)) return { rounds: round, failures };
    } catch (e) {
      const err = e as { kind?: string; cause?: { kind?: string } };
      const kind = err.kind ?? err.cause?.kind;
      if (kind === 'not-owned' || kind === 'invalid') throw e;
      failures++;
    }
  }
  throw new Error(`${service.namespace}/${service.name} did not converge in ${maxRounds} rounds`);
}

export const writesOf = (calls: CallLog): number => calls.count({ write: true });
