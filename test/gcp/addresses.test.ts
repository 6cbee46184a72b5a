import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClients } from '../../providers/gcp/clients.js';
import type { ComputeClients } from '../../providers/gcp/clients.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { hasChanges } from '../../src/plan/index.js';
import { renderText } from '../../src/render/text.js';
import { loadBalancerName } from '../../providers/gcp/names.js';
import { gcpIntent } from './intents.js';
import { reconcile, startGcp } from './support.js';

// Issue 12: an address the user reserved is used as the in-tree provider uses it (never owned,
// never relabelled, never released), and Google's rule that an external IP cannot be chosen.
let env: Awaited<ReturnType<typeof startGcp>>;
let c: ComputeClients;
beforeAll(async () => {
  env = await startGcp();
  c = createClients({ endpoint: env.fake.url, accessToken: 'test-token' });
});
afterAll(async () => {
  await c.close();
  await env.stop();
});
beforeEach(() => {
  env.calls.reset();
  env.fake.clear();
});

const project = 'lbctl-test';
const region = 'us-central1';
const targets = [
  { nodeName: 'node-a', providerID: `gce://${project}/us-central1-a/node-a` },
  { nodeName: 'node-b', providerID: `gce://${project}/us-central1-b/node-b` },
];
const reserve = async (name: string): Promise<string> => {
  await c.addresses.insert({ project, region, addressResource: { name, addressType: 'EXTERNAL' } });
  const [a] = await c.addresses.get({ project, region, address: name });
  return String(a.address);
};
const userAddress = async (name: string) =>
  (await c.addresses.get({ project, region, address: name }))[0];

describe('gcp: a static address the user reserved', () => {
  it('is used by the forwarding rule, not owned: no address of lbctl, the user’s untouched, re-plan a no-op', async () => {
    const ip = await reserve('my-ip');
    const before = await userAddress('my-ip');
    const intent = gcpIntent({ targets, requestedIPs: [ip] });
    const { resources } = await reconcile(env.provider, intent.service, intent);

    expect(env.fake.resources('addresses').map((a) => a['name'])).toEqual(['my-ip']);
    expect(env.fake.resources('forwardingRules').map((r) => r['IPAddress'])).toEqual([ip]);
    expect(env.provider.ingress(resources)).toEqual([{ ip, ipMode: 'VIP' }]);
    const traffic = env.fake
      .resources('firewalls')
      .find(
        (f) => f['name'] === `k8s-fw-${String(env.fake.resources('forwardingRules')[0]?.['name'])}`,
      );
    expect(traffic?.['destinationRanges']).toEqual([`${ip}/32`]);
    const after = await userAddress('my-ip');
    expect(after.labels ?? {}).toEqual(before.labels ?? {});
    expect(after.labelFingerprint).toBe(before.labelFingerprint);

    env.fake.reset();
    const again = await reconcile(env.provider, intent.service, intent);
    expect(hasChanges(again.plan)).toBe(false);
    expect(env.fake.count({ write: true })).toBe(0);
  });

  it('outlives the Service: deleting the load balancer never releases or relabels it', async () => {
    const ip = await reserve('kept-ip');
    const intent = gcpIntent({ targets, requestedIPs: [ip] });
    await reconcile(env.provider, intent.service, intent);
    const before = await userAddress('kept-ip');
    const { plan: p } = await reconcile(env.provider, intent.service, null);
    expect(p.steps.map((s) => s.address)).not.toContain('google_compute_address.this');
    expect(env.fake.resources('forwardingRules')).toEqual([]);
    const after = await userAddress('kept-ip');
    expect(after.address).toBe(ip);
    expect(after.labelFingerprint).toBe(before.labelFingerprint);
  });

  it('an external IP that is not reserved in the project is refused before any write, naming the field and the IP', async () => {
    const intent = gcpIntent({ targets, requestedIPs: ['203.0.113.99'] });
    const error = await reconcile(env.provider, intent.service, intent).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain(
      'Service default/web: spec.loadBalancerIP: Invalid value: "203.0.113.99": is not a static external address reserved in project lbctl-test, region us-central1',
    );
    expect(env.fake.count({ write: true })).toBe(0);
    expect(env.calls.count({ operation: 'addresses.list' })).toBe(2);
  });

  it('pinning the IP lbctl reserved itself changes nothing, and the address is still deleted with the Service', async () => {
    const intent = gcpIntent({ targets });
    const first = await reconcile(env.provider, intent.service, intent);
    const ip = env.provider.ingress(first.resources)[0]?.ip ?? '';
    const pinned = gcpIntent({ targets, requestedIPs: [ip] });
    env.fake.reset();
    const p = await reconcile(env.provider, pinned.service, pinned);
    expect(
      p.plan.steps.filter((s) => s.action !== 'no-op').map((s) => [s.address, s.changes]),
    ).toEqual([]);
    expect(env.fake.count({ write: true })).toBe(0);
    expect(env.provider.ingress(p.resources)).toEqual([{ ip, ipMode: 'VIP' }]);
    await reconcile(env.provider, pinned.service, null);
    expect(env.fake.resources('addresses')).toEqual([]);
  });
});

/** A forwarding rule as an older lbctl made it (listed ports, not all ports): it must be replaced. */
const ageForwardingRule = (name: string) => {
  const r = env.fake.store.get(`projects/${project}/regions/${region}/forwardingRules/${name}`);
  if (r === undefined) throw new Error(`no forwarding rule ${name}`);
  delete r.body['allPorts'];
  r.body['ports'] = ['80'];
};

describe('gcp: a forwarding rule replaced keeps the Service’s IP', () => {
  it.each([
    ['lbctl’s reserved address', false],
    ['the user’s reserved address', true],
  ])('on %s: the plan says so, the IP is the same after, re-plan a no-op', async (_on, user) => {
    const requestedIPs = user ? [await reserve('user-ip')] : [];
    const intent = gcpIntent({ targets, requestedIPs });
    const first = await reconcile(env.provider, intent.service, intent);
    const ip = env.provider.ingress(first.resources)[0]?.ip;
    expect(ip).toMatch(/^34\./);
    ageForwardingRule(loadBalancerName(intent.service));

    const { plan: p, resources } = await reconcile(env.provider, intent.service, intent);
    const step = p.steps.find((s) => s.address === 'google_compute_forwarding_rule.tcp');
    expect(step?.action).toBe('replace');
    expect(step?.addressImpact).toMatchObject({ changes: false, keptBy: 'ip_address' });
    expect(p.steps.filter((s) => s.action === 'replace').map((s) => s.address)).toEqual([
      'google_compute_forwarding_rule.tcp',
    ]);
    expect(renderText([p], { color: false })).toContain("# keeps the Service's address");
    expect(env.provider.ingress(resources)).toEqual([{ ip, ipMode: 'VIP' }]);
    expect(env.fake.resources('forwardingRules').map((r) => r['IPAddress'])).toEqual([ip]);

    env.fake.reset();
    const again = await reconcile(env.provider, intent.service, intent);
    expect(hasChanges(again.plan)).toBe(false);
    expect(env.fake.count({ write: true })).toBe(0);
  });
});
