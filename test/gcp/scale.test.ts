import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import { createCallLog } from '../../src/core/calls.js';
import { hasChanges } from '../../src/plan/index.js';
import { createGcpProvider } from '../../providers/gcp/provider.js';
import { readSettings } from '../../providers/gcp/settings.js';
import { gcpIntent } from './intents.js';
import { converge, reconcile, startGcp } from './support.js';

// Issue 9: a Service's no-op reconcile costs the same however many other load balancers exist.
let env: Awaited<ReturnType<typeof startGcp>>;
beforeAll(async () => {
  env = await startGcp();
});
afterAll(async () => env.stop());

const nodes = [
  { nodeName: 'node-a', providerID: 'gce://lbctl-test/us-central1-a/node-a' },
  { nodeName: 'node-b', providerID: 'gce://lbctl-test/us-central1-b/node-b' },
];
const other = (i: number): ServiceIdentity => ({
  namespace: 'others',
  name: `svc-${i}`,
  uid: `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
});
const mine = gcpIntent({ targets: nodes });

/** Creates Services until `k` others exist (five at a time). */
async function othersUpTo(k: number, from: number): Promise<void> {
  for (let i = from; i < k; i += 5) {
    const batch = Array.from({ length: Math.min(5, k - i) }, (_, j) => other(i + j));
    await Promise.all(
      batch.map((s) => converge(env.provider, s, gcpIntent({ service: s, targets: nodes }))),
    );
  }
}

/** The reads of one no-op reconcile of `mine`, by API method, and the list items the fake answered with. */
async function noOpReads(): Promise<Record<string, number>> {
  env.calls.reset();
  env.fake.reset();
  const { plan } = await reconcile(env.provider, mine.service, mine);
  expect(hasChanges(plan)).toBe(false);
  expect(env.calls.count({ write: true })).toBe(0);
  const out: Record<string, number> = {};
  for (const c of env.calls.calls) out[c.operation] = (out[c.operation] ?? 0) + 1;
  // A list filtered in code instead of on the server would cost the same calls up to 500
  // items per page, but not the same items: those are counted too.
  out['items listed'] = env.fake.requests.reduce((n, r) => n + (r.items ?? 0), 0);
  return out;
}

describe('gcp: the no-op reconcile of one Service is flat in the number of other load balancers', () => {
  it('reads the same with K = 2 and K = 30 other Services (8 calls, by method)', async () => {
    await converge(env.provider, mine.service, mine);
    await othersUpTo(2, 0);
    const two = await noOpReads();
    await othersUpTo(30, 2);
    expect(env.fake.resources('forwardingRules')).toHaveLength(31);
    const thirty = await noOpReads();
    expect(thirty).toEqual(two);
    expect(env.calls.count()).toBe(8);
    expect(two['items listed']).toBeLessThan(20);
  });

  it('the sweep finds all 31 Services’ resources in one call per collection, and no other cluster’s', async () => {
    const staging = createGcpProvider(
      readSettings({
        clusterName: 'staging',
        values: { project: env.fake.project, endpoint: env.fake.url, 'access-token': 'test-token' },
        env: {},
      }),
      'staging',
      { calls: createCallLog(), sleep: async () => {} },
    );
    const theirs = gcpIntent({ service: other(99), clusterName: 'staging', targets: nodes });
    await converge(staging, theirs.service, theirs);
    await staging.close();
    env.calls.reset();
    const swept = await env.provider.sweep({ clusterName: 'prod' });
    expect(new Set(swept.map((o) => o.service?.uid)).size).toBe(31);
    expect(swept.some((o) => o.service?.uid === other(99).uid)).toBe(false);
    expect(swept).toHaveLength(31 * env.provider.desired(mine).length);
    expect(env.calls.count()).toBe(6);
    expect(env.calls.count({ write: true })).toBe(0);
  });

  it('the sweep pages through more than 500 addresses, one call per page', async () => {
    // Written straight into the fake's store: 600 addresses labelled for 600 vanished Services.
    for (let i = 0; i < 600; i++) {
      const name = `orphan-${i}`;
      const path = `projects/${env.fake.project}/regions/${env.fake.region}/addresses/${name}`;
      env.fake.store.put(path, {
        project: env.fake.project,
        scope: `regions/${env.fake.region}`,
        collection: 'addresses',
        body: {
          kind: 'compute#address',
          name,
          address: `34.99.${Math.floor(i / 250)}.${(i % 250) + 1}`,
          addressType: 'EXTERNAL',
          region: `https://www.googleapis.com/compute/v1/projects/${env.fake.project}/regions/${env.fake.region}`,
          selfLink: `https://www.googleapis.com/compute/v1/${path}`,
          labels: {
            'lbctl-cluster': 'prod',
            'lbctl-service-ns': 'gone',
            'lbctl-service-name': `svc-${i}`,
            'lbctl-service-uid': `${String(i).padStart(8, '0')}-1111-4000-8000-000000000000`,
            'lbctl-resource': 'google_compute_address-this',
          },
        },
      });
    }
    env.calls.reset();
    const swept = await env.provider.sweep({ clusterName: 'prod' });
    expect(swept.filter((o) => o.service?.namespace === 'gone')).toHaveLength(600);
    expect(env.calls.count({ operation: 'addresses.list' })).toBe(2);
  });
});
