// A Service that pins (loadBalancerIP) the IP lbctl already reserved for it: nothing changes.
// The address stays lbctl's; it is neither released nor replaced, and no replacement is planned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChanges } from '../../src/plan/index.js';
import { gcpIntent } from './intents.js';
import { reconcile, startGcp } from './support.js';

let env: Awaited<ReturnType<typeof startGcp>>;
beforeAll(async () => {
  env = await startGcp();
});
afterAll(async () => {
  await env.stop();
});
const targets = [{ nodeName: 'node-a', providerID: 'gce://lbctl-test/us-central1-a/node-a' }];

describe('gcp: pinning the IP lbctl reserved', () => {
  it('is a no-op: the reserved address is kept, nothing is written', async () => {
    const intent = gcpIntent({ targets });
    const first = await reconcile(env.provider, intent.service, intent);
    const ip = env.provider.ingress(first.resources)[0]?.ip;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    env.fake.reset();
    const pinned = gcpIntent({ targets, requestedIPs: [ip as string] });
    const again = await reconcile(env.provider, pinned.service, pinned);
    expect(hasChanges(again.plan)).toBe(false);
    expect(env.fake.count({ write: true })).toBe(0);
    expect(env.fake.resources('addresses').map((a) => a['address'])).toEqual([ip]);
  });
});
