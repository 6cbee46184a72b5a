import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { Provider } from '../../src/core/provider.js';
import { apply } from '../../src/apply/index.js';
import { adoptingProvider } from '../../src/pipeline/index.js';
import { hasChanges, plan } from '../../src/plan/index.js';
import { renderText } from '../../src/render/text.js';
import { createClients, type ComputeClients } from '../../providers/gcp/clients.js';
import { CLUSTER_LABEL } from '../../providers/gcp/labels.js';
import { gcpIntent } from './intents.js';
import { inTreeTargetPool } from './in-tree.js';
import { CLUSTER, reconcile, startGcp } from './support.js';

// Issue 12 #2, Google Cloud: the in-tree provider's target pool cannot become lbctl's backend
// service in place; `--adopt` plans the migration, keeps the IP, and leaves nothing behind.
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
beforeEach(() => env.fake.clear());

const nodes = [
  { nodeName: 'node-a', providerID: 'gce://lbctl-test/us-central1-a/node-a' },
  { nodeName: 'node-b', providerID: 'gce://lbctl-test/us-central1-b/node-b' },
];
const web = gcpIntent({ clusterName: CLUSTER, targets: nodes });
const api = gcpIntent({
  clusterName: CLUSTER,
  targets: nodes,
  service: { namespace: 'default', name: 'api', uid: '7c0a1d2e-3f40-4b5c-8d6e-7f8091a2b3c4' },
});
const ctx = { clusterName: CLUSTER };

async function planWith(provider: Provider, intent: LoadBalancerIntent) {
  const desired = provider.desired(intent);
  const observed = await provider.observe({ service: intent.service, desired }, ctx);
  return { p: plan({ service: intent.service, provider, desired, observed }), observed };
}

const ruleOf = async (name: string) =>
  (
    await c.forwardingRules.get({
      project: env.fake.project,
      region: env.fake.region,
      forwardingRule: name,
    })
  )[0];

describe('gcp --adopt: migrating the in-tree target pool to lbctl’s backend service', () => {
  it('without --adopt refuses the in-tree traffic firewall as not owned, and writes nothing', async () => {
    await inTreeTargetPool(c, env.fake, web, { clusterID: 'c0ffee' });
    env.calls.reset();
    await expect(planWith(env.provider, web)).rejects.toMatchObject({ kind: 'not-owned' });
    await expect(planWith(env.provider, web)).rejects.toThrow(
      /k8s-fw-a1b4e28ba2fa111d2883f0016d3cca42.*in-tree GCE provider.*--adopt/,
    );
    expect(env.calls.count({ write: true })).toBe(0);
    expect(env.fake.resources('targetPools')).toHaveLength(1);
  });

  it('plans the migration in order: promote the IP, build, switch the rule keeping the IP, remove the target pool', async () => {
    const { ip } = await inTreeTargetPool(c, env.fake, web, { clusterID: 'c0ffee' });
    const { p } = await planWith(adoptingProvider(env.provider), web);
    const order = p.order.map((a) => `${a.action} ${a.address}`);
    const at = (s: string) => {
      const i = order.indexOf(s);
      expect(i, `${s} in ${order.join(', ')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const promote = at('update google_compute_address.this');
    const bs = at('create google_compute_region_backend_service.tcp');
    const fw = at('update google_compute_firewall.traffic');
    const del = at('delete google_compute_forwarding_rule.tcp');
    const create = at('create google_compute_forwarding_rule.tcp');
    const pool = at('delete google_compute_target_pool.in_tree');
    const hc = at('delete google_compute_http_health_check.in_tree');
    const hcfw = at('delete google_compute_firewall.in_tree_health_check');
    expect(promote).toBe(0);
    expect(Math.max(bs, fw)).toBeLessThan(del);
    expect(create).toBe(del + 1);
    expect(pool).toBeGreaterThan(create);
    expect(hc).toBeGreaterThan(pool);
    expect(hcfw).toBeGreaterThan(hc);

    const rule = p.steps.find((s) => s.address === 'google_compute_forwarding_rule.tcp');
    expect(rule?.action).toBe('replace');
    expect(rule?.addressImpact).toMatchObject({ changes: false, keptBy: 'ip_address' });
    for (const s of p.steps.filter((s) => s.before?.foreign !== undefined))
      expect(s.adopts).toMatch(/in-tree GCE provider/);
    const text = renderText([p], { color: false } as Parameters<typeof renderText>[1]);
    expect(text).toContain(`the in-tree rule's ephemeral IP ${ip}, reserved as it is (promoted`);
    expect(text).toContain("# keeps the Service's address (ip_address)");
    expect(text).toContain('# migration step (made by the in-tree GCE provider');
    expect(text).toContain('# taken over in place (made by the in-tree GCE provider');
    expect(text).not.toContain("changes the Service's address");
    expect(ip).toMatch(/^34\./);
  });

  it('applies through the real adapter: the same IP, no target pool left, lbctl’s resources labelled, re-plan a no-op', async () => {
    const { ip, names } = await inTreeTargetPool(c, env.fake, web, { clusterID: 'c0ffee' });
    const adopting = adoptingProvider(env.provider);
    const { p, observed } = await planWith(adopting, web);
    await apply(p, adopting, { observed, ctx });

    expect((await ruleOf(names.forwardingRule)).IPAddress).toBe(ip);
    expect((await ruleOf(names.forwardingRule)).backendService).toMatch(/backendServices\//);
    expect(env.fake.resources('targetPools')).toEqual([]);
    expect(env.fake.resources('httpHealthChecks')).toEqual([]);
    const firewalls = env.fake
      .resources('firewalls')
      .map((f) => String(f['name']))
      .sort();
    expect(firewalls).toEqual([`${names.forwardingRule}-hc`, names.trafficFirewall]);
    for (const f of env.fake.resources('firewalls'))
      expect(String(f['description'])).toContain(`kubernetes.io/cluster/${CLUSTER}`);
    const [address] = env.fake.resources('addresses');
    expect(address?.['address']).toBe(ip);
    expect((address?.['labels'] as Record<string, string>)[CLUSTER_LABEL]).toBe(CLUSTER);
    expect(
      (env.fake.resources('forwardingRules')[0]?.['labels'] as Record<string, string>)[
        CLUSTER_LABEL
      ],
    ).toBe(CLUSTER);

    env.calls.reset();
    const again = await reconcile(env.provider, web.service, web);
    expect(hasChanges(again.plan)).toBe(false);
    expect(env.calls.count({ write: true })).toBe(0);
    expect(env.provider.ingress(again.observed)).toEqual([{ ip, ipMode: 'VIP' }]);
  });

  it('leaves the shared node health check and its firewall while another in-tree Service uses them', async () => {
    await inTreeTargetPool(c, env.fake, web, { clusterID: 'c0ffee' });
    await inTreeTargetPool(c, env.fake, api, { clusterID: 'c0ffee' });
    const adopting = adoptingProvider(env.provider);
    const { p, observed } = await planWith(adopting, web);
    expect(p.steps.map((s) => s.address)).not.toContain('google_compute_http_health_check.in_tree');
    expect(p.steps.map((s) => s.address)).not.toContain(
      'google_compute_firewall.in_tree_health_check',
    );
    await apply(p, adopting, { observed, ctx });
    expect(env.fake.resources('targetPools').map((t) => t['name'])).toEqual([
      'a7c0a1d2e3f404b5c8d6e7f8091a2b3c',
    ]);
    expect(env.fake.resources('httpHealthChecks').map((h) => h['name'])).toEqual([
      'k8s-c0ffee-node',
    ]);
    expect(env.fake.resources('firewalls').map((f) => f['name'])).toContain(
      'k8s-c0ffee-node-http-hc',
    );
  });

  it('an apply that stops after deleting the in-tree rule converges on the next --adopt plan, same IP', async () => {
    const { ip, names } = await inTreeTargetPool(c, env.fake, web, { clusterID: 'c0ffee' });
    const adopting = adoptingProvider(env.provider);
    const first = await planWith(adopting, web);
    env.fake.failNext(1, { code: 400, reason: 'invalid', operation: 'forwardingRules.insert' });
    await expect(apply(first.p, adopting, { observed: first.observed, ctx })).rejects.toThrow();
    expect(env.fake.resources('forwardingRules')).toEqual([]);
    expect(env.fake.resources('targetPools')).toHaveLength(1);

    const { p, observed } = await planWith(adopting, web);
    // The Service is served again first, then the in-tree leftovers go.
    expect(p.order.map((a) => `${a.action} ${a.address}`)).toEqual([
      'create google_compute_forwarding_rule.tcp',
      'delete google_compute_target_pool.in_tree',
      'delete google_compute_http_health_check.in_tree',
      'delete google_compute_firewall.in_tree_health_check',
    ]);
    await apply(p, adopting, { observed, ctx });
    expect((await ruleOf(names.forwardingRule)).IPAddress).toBe(ip);
    expect(env.fake.resources('targetPools')).toEqual([]);
    expect(env.fake.resources('httpHealthChecks')).toEqual([]);
    expect(hasChanges((await planWith(env.provider, web)).p)).toBe(false);
  });

  it('an apply that stops before the switch (IP promoted, firewall taken over) resumes with --adopt', async () => {
    const { ip, names } = await inTreeTargetPool(c, env.fake, web, { clusterID: 'c0ffee' });
    const adopting = adoptingProvider(env.provider);
    const first = await planWith(adopting, web);
    env.fake.failNext(1, {
      code: 400,
      reason: 'invalid',
      operation: 'regionBackendServices.insert',
    });
    await expect(apply(first.p, adopting, { observed: first.observed, ctx })).rejects.toThrow();
    expect((await ruleOf(names.forwardingRule)).target).toMatch(/targetPools\//);

    const { p, observed } = await planWith(adopting, web);
    const actions = Object.fromEntries(p.steps.map((s) => [s.address, s.action]));
    expect(actions).toMatchObject({
      'google_compute_address.this': 'no-op',
      'google_compute_firewall.traffic': 'no-op',
      'google_compute_region_backend_service.tcp': 'create',
      'google_compute_forwarding_rule.tcp': 'replace',
      'google_compute_target_pool.in_tree': 'delete',
    });
    expect(
      p.steps.find((s) => s.address === 'google_compute_forwarding_rule.tcp')?.addressImpact,
    ).toMatchObject({
      changes: false,
    });
    await apply(p, adopting, { observed, ctx });
    expect((await ruleOf(names.forwardingRule)).IPAddress).toBe(ip);
    expect(env.fake.resources('targetPools')).toEqual([]);
    expect(hasChanges((await planWith(env.provider, web)).p)).toBe(false);
  });

  it('a promotion that already happened (a retried request) is recognised as lbctl’s, not refused', async () => {
    const { ip, names } = await inTreeTargetPool(c, env.fake, web, { clusterID: 'c0ffee' });
    const adopting = adoptingProvider(env.provider);
    const { p, observed } = await planWith(adopting, web);
    const promote = p.steps.find((s) => s.address === 'google_compute_address.this');
    const [op] = await c.addresses.insert({
      project: env.fake.project,
      region: env.fake.region,
      addressResource: {
        name: names.address,
        address: ip,
        labels: promote?.after?.attributes['labels'] as Record<string, string>,
      },
    });
    await c.regionOperations.wait({
      project: env.fake.project,
      region: env.fake.region,
      operation: (op as unknown as { latestResponse: { name: string } }).latestResponse.name,
    });
    await apply(p, adopting, { observed, ctx });
    expect((await ruleOf(names.forwardingRule)).IPAddress).toBe(ip);
    expect(env.fake.resources('targetPools')).toEqual([]);
  });

  it('migrates a Local-traffic Service: its own HTTP health check and k8s-<lb>-http-hc go', async () => {
    const local = { ...web, externalTrafficPolicy: 'Local' as const };
    const { ip, names } = await inTreeTargetPool(c, env.fake, local, {
      clusterID: 'c0ffee',
      healthCheckNodePort: 31555,
    });
    expect(names.httpHealthCheck).toBe(names.forwardingRule);
    const adopting = adoptingProvider(env.provider);
    const { p, observed } = await planWith(adopting, local);
    expect(
      p.steps.find((s) => s.address === 'google_compute_firewall.in_tree_health_check')?.before
        ?.attributes['name'],
    ).toBe(`k8s-${names.forwardingRule}-http-hc`);
    await apply(p, adopting, { observed, ctx });
    expect((await ruleOf(names.forwardingRule)).IPAddress).toBe(ip);
    expect(env.fake.resources('httpHealthChecks')).toEqual([]);
    expect(env.fake.resources('firewalls').map((f) => f['name'])).not.toContain(
      names.healthCheckFirewall,
    );
    expect(hasChanges((await planWith(env.provider, local)).p)).toBe(false);
  });

  it('migrates a Service on an IP the user reserved: nothing to promote, the user’s address untouched', async () => {
    const [op] = await c.addresses.insert({
      project: env.fake.project,
      region: env.fake.region,
      addressResource: { name: 'web-ip', addressType: 'EXTERNAL' },
    });
    await c.regionOperations.wait({
      project: env.fake.project,
      region: env.fake.region,
      operation: (op as unknown as { latestResponse: { name: string } }).latestResponse.name,
    });
    const [mine] = await c.addresses.get({
      project: env.fake.project,
      region: env.fake.region,
      address: 'web-ip',
    });
    const userIP = mine.address ?? '';
    const pinned = { ...web, requestedIPs: [userIP] };
    const { names } = await inTreeTargetPool(c, env.fake, pinned, { clusterID: 'c0ffee', userIP });
    const adopting = adoptingProvider(env.provider);
    const { p, observed } = await planWith(adopting, pinned);
    expect(p.steps.map((s) => s.address)).not.toContain('google_compute_address.this');
    const rule = p.steps.find((s) => s.address === 'google_compute_forwarding_rule.tcp');
    expect(rule?.addressImpact).toMatchObject({ changes: false, keptBy: 'ip_address' });
    await apply(p, adopting, { observed, ctx });
    expect((await ruleOf(names.forwardingRule)).IPAddress).toBe(userIP);
    expect(env.fake.resources('targetPools')).toEqual([]);
    const [after] = await c.addresses.get({
      project: env.fake.project,
      region: env.fake.region,
      address: 'web-ip',
    });
    expect(after.labels ?? {}).toEqual({});
    expect(after.labelFingerprint).toBe(mine.labelFingerprint);
    expect(hasChanges((await planWith(env.provider, pinned)).p)).toBe(false);
  });

  it('takes over the in-tree provider’s own reserved address <lb> by its labels instead of promoting', async () => {
    const { ip, names } = await inTreeTargetPool(c, env.fake, web, {
      clusterID: 'c0ffee',
      keepAddress: true,
    });
    const adopting = adoptingProvider(env.provider);
    env.calls.reset();
    const { p, observed } = await planWith(adopting, web);
    expect(p.steps.find((s) => s.address === 'google_compute_address.this')?.action).toBe('update');
    await apply(p, adopting, { observed, ctx });
    expect(env.calls.count({ operation: 'addresses.insert' })).toBe(0);
    expect(env.calls.count({ operation: 'addresses.setLabels' })).toBe(1);
    expect((await ruleOf(names.forwardingRule)).IPAddress).toBe(ip);
    const [address] = env.fake.resources('addresses');
    expect((address?.['labels'] as Record<string, string>)[CLUSTER_LABEL]).toBe(CLUSTER);
    expect(hasChanges((await planWith(env.provider, web)).p)).toBe(false);
  });

  it('migrates a UDP Service: the in-tree rule <lb> becomes lbctl’s <lb>-udp on the same IP', async () => {
    const dns = {
      ...web,
      listeners: [{ name: 'dns', protocol: 'UDP' as const, port: 53, nodePort: 30053 }],
    };
    const { ip, names } = await inTreeTargetPool(c, env.fake, dns, { clusterID: 'c0ffee' });
    const adopting = adoptingProvider(env.provider);
    const { p, observed } = await planWith(adopting, dns);
    const rule = p.steps.find((s) => s.address === 'google_compute_forwarding_rule.udp');
    expect(rule?.action).toBe('replace');
    expect(rule?.addressImpact).toMatchObject({ changes: false, keptBy: 'ip_address' });
    await apply(p, adopting, { observed, ctx });
    expect((await ruleOf(`${names.forwardingRule}-udp`)).IPAddress).toBe(ip);
    expect(env.fake.resources('forwardingRules').map((r) => r['name'])).toEqual([
      `${names.forwardingRule}-udp`,
    ]);
    expect(env.fake.resources('targetPools')).toEqual([]);
    expect(hasChanges((await planWith(env.provider, dns)).p)).toBe(false);
  });

  it('costs a Service lbctl already serves no extra read with --adopt', async () => {
    await reconcile(env.provider, web.service, web);
    env.calls.reset();
    await planWith(env.provider, web);
    const plain = env.calls.count();
    env.calls.reset();
    const { p } = await planWith(adoptingProvider(env.provider), web);
    expect(hasChanges(p)).toBe(false);
    expect(env.calls.count()).toBe(plain);
  });
});
