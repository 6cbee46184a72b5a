import { beforeAll, afterAll, beforeEach } from 'vitest';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { Plan } from '../../src/core/plan.js';
import type { Provider } from '../../src/core/provider.js';
import { plan } from '../../src/plan/index.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { CLUSTER, RG, startFakeCloud } from './support.js';

/** One fake for a test file, emptied before each test but for the cluster's tagged security group. */
export function useAdoptionFake(): () => AzureFake {
  let fake: AzureFake | undefined;
  beforeAll(async () => {
    fake = await startFakeCloud({ lro: 'mixed', pollsToComplete: 1 });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake?.store.clear();
    fake?.store.put('networkSecurityGroups', RG, 'prod-nsg', {
      location: 'eastus',
      tags: { 'k8s-azure-cluster-name': CLUSTER },
      properties: { securityRules: [] },
    });
  });
  return () => fake as AzureFake;
}

export const ctx = { clusterName: CLUSTER };

/** observe (with or without adoption) → fitDesired → plan, as the pipeline does. */
export async function planFor(p: Provider, intent: LoadBalancerIntent, adopt: boolean) {
  const wanted = p.desired(intent);
  const observed = await p.observe({ service: intent.service, desired: wanted, adopt }, ctx);
  const desired = p.fitDesired?.(wanted, observed) ?? wanted;
  return { observed, plan: plan({ service: intent.service, provider: p, desired, observed }) };
}

export const actions = (p: Plan) => Object.fromEntries(p.steps.map((s) => [s.address, s.action]));
