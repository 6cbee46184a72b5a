import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChanges, plan } from '../../src/plan/index.js';
import { gcpIntent } from './intents.js';
import { CLUSTER, converge, startGcp } from './support.js';

let env: Awaited<ReturnType<typeof startGcp>>;
beforeAll(async () => {
  env = await startGcp({ seed: 1 }); // the contract suite uses 7
});
afterAll(async () => env.stop());

const nodes = [
  { nodeName: 'node-a', providerID: 'gce://lbctl-test/us-central1-a/node-a' },
  { nodeName: 'node-b', providerID: 'gce://lbctl-test/us-central1-b/node-b' },
  { nodeName: 'node-c', providerID: 'gce://lbctl-test/us-central1-a/node-c' },
];
const intents = Array.from({ length: 10 }, (_, i) =>
  gcpIntent({
    service: {
      namespace: 'load',
      name: `svc-${i}`,
      uid: `${String(i + 1).padStart(8, '0')}-0000-4000-8000-00000000000${i}`,
    },
    listeners: [
      { name: 'http', protocol: 'TCP', port: 80, nodePort: 30100 + i },
      { name: 'dns', protocol: 'UDP', port: 53, nodePort: 30200 + i },
    ],
    targets: nodes,
  }),
);

describe('gcp: 10 Services reconciled concurrently with 30 % injected faults', () => {
  it('all converge, then re-plan with zero writes', async () => {
    env.fake.faults = { errorRate: 0.15, throttleRate: 0.1, operationErrorRate: 0.05 };
    await Promise.all(intents.map((intent) => converge(env.provider, intent.service, intent, 60)));
    env.fake.faults = {};
    expect(env.fake.resources('forwardingRules')).toHaveLength(20);
    expect(env.fake.resources('networkEndpointGroups')).toHaveLength(20);
    expect(
      env.calls.count({ outcome: 'transient' }) + env.calls.count({ outcome: 'throttled' }),
    ).toBeGreaterThan(50);
    env.fake.reset();
    for (const intent of intents) {
      const desired = env.provider.desired(intent);
      const observed = await env.provider.observe(
        { service: intent.service, desired },
        { clusterName: CLUSTER },
      );
      expect(
        hasChanges(plan({ service: intent.service, provider: env.provider, desired, observed })),
      ).toBe(false);
    }
    expect(env.fake.count({ write: true })).toBe(0);
  });

  it('all delete concurrently under faults and leave nothing of the cluster behind', async () => {
    env.fake.faults = { errorRate: 0.15, throttleRate: 0.1, operationErrorRate: 0.05 };
    await Promise.all(intents.map((intent) => converge(env.provider, intent.service, null, 60)));
    env.fake.faults = {};
    for (const c of [
      'addresses',
      'forwardingRules',
      'backendServices',
      'healthChecks',
      'firewalls',
      'networkEndpointGroups',
    ]) {
      expect(env.fake.resources(c), c).toEqual([]);
    }
  });
});
