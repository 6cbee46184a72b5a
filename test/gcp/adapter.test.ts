import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotOwnedError } from '../../src/core/errors.js';
import { addressOf } from '../../src/core/resource.js';
import type { Resource } from '../../src/core/resource.js';
import { plan, hasChanges } from '../../src/plan/index.js';
import { loadBalancerName, trafficFirewallName } from '../../providers/gcp/names.js';
import { createGcpProvider } from '../../providers/gcp/provider.js';
import { readSettings } from '../../providers/gcp/settings.js';
import { gcpIntent } from './intents.js';
import { CLUSTER, converge, reconcile, startGcp } from './support.js';

let env: Awaited<ReturnType<typeof startGcp>>;
beforeAll(async () => {
  env = await startGcp();
});
afterAll(async () => env.stop());
beforeEach(() => {
  env.fake.faults = {};
  env.calls.reset();
  env.fake.reset();
});

const targets = (...names: string[]) =>
  names.map((n) => ({
    nodeName: n,
    providerID: `gce://lbctl-test/${n === 'node-a' || n === 'node-c' ? 'us-central1-a' : 'us-central1-b'}/${n}`,
  }));
const comparable = (rs: Resource[]) =>
  rs
    .map((r) => ({ address: addressOf(r), attributes: { ...r.attributes, address: undefined } }))
    .sort((a, b) => a.address.localeCompare(b.address));
/** Desired with what the adapter reads from the instances filled in: the fake's nodes carry tag `node` in subnetwork `default`. */
const discovered = (rs: Resource[]) =>
  rs.map((r) => ({
    ...r,
    attributes: {
      ...r.attributes,
      ...(r.attributes['target_tags'] === null ? { target_tags: ['node'] } : {}),
      ...(r.attributes['subnetwork'] === null ? { subnetwork: 'default' } : {}),
    },
  }));

describe('gcp adapter against the fake (real SDK over HTTP)', () => {
  const intent = gcpIntent({ targets: targets('node-a', 'node-b') });
  const service = intent.service;

  it('creates the load balancer, and observe then equals desired', async () => {
    const { plan: p, resources } = await reconcile(env.provider, service, intent);
    expect(p.steps.every((s) => s.action === 'create')).toBe(true);
    const observed = await env.provider.observe(
      { service, desired: env.provider.desired(intent) },
      { clusterName: CLUSTER },
    );
    expect(comparable(observed)).toEqual(comparable(discovered(env.provider.desired(intent))));
    const ip = observed.find((r) => r.type === 'google_compute_address')?.attributes['address'];
    expect(env.provider.ingress(resources)).toEqual([{ ip, ipMode: 'VIP' }]);
    expect(env.fake.resources('forwardingRules')).toHaveLength(1);
    expect(env.fake.resources('networkEndpointGroups')).toHaveLength(2);
  });

  it('re-plans as a no-op with zero writes and only list/get reads', async () => {
    const { plan: p } = await reconcile(env.provider, service, intent);
    expect(hasChanges(p)).toBe(false);
    expect(env.calls.count({ write: true })).toBe(0);
    expect(env.fake.count({ write: true })).toBe(0);
    expect(env.calls.count()).toBe(env.fake.requests.length);
  });

  it('adds one node with one attachNetworkEndpoints (plus its wait) and nothing else', async () => {
    const { plan: p } = await reconcile(env.provider, service, {
      ...intent,
      targets: targets('node-a', 'node-b', 'node-c'),
    });
    expect(p.steps.filter((s) => s.action !== 'no-op').map((s) => s.address)).toEqual([
      'google_compute_network_endpoint_group.us-central1-a',
    ]);
    expect(env.fake.count({ write: true })).toBe(1);
    expect(env.fake.count({ operation: 'networkEndpointGroups.attachNetworkEndpoints' })).toBe(1);
    expect(env.fake.count({ operation: 'networkEndpointGroups.detachNetworkEndpoints' })).toBe(0);
  });

  it('removes one node with one detachNetworkEndpoints', async () => {
    const { plan: p } = await reconcile(env.provider, service, intent);
    expect(p.steps.filter((s) => s.action !== 'no-op')).toHaveLength(1);
    expect(env.fake.count({ write: true })).toBe(1);
    expect(env.fake.count({ operation: 'networkEndpointGroups.detachNetworkEndpoints' })).toBe(1);
  });

  it('patches the backend service with its fingerprint when affinity changes', async () => {
    const changed = {
      ...intent,
      sessionAffinity: { type: 'ClientIP' as const, timeoutSeconds: 10800 },
    };
    await reconcile(env.provider, service, changed);
    expect(env.fake.count({ operation: 'regionBackendServices.patch' })).toBe(1);
    expect(env.fake.resources('backendServices')[0]?.['sessionAffinity']).toBe('CLIENT_IP');
    await reconcile(env.provider, service, intent);
  });

  it('updates source ranges with one firewall update (PUT)', async () => {
    await reconcile(env.provider, service, { ...intent, sourceRanges: ['10.0.0.0/8'] });
    expect(env.fake.count({ write: true })).toBe(1);
    expect(env.fake.count({ operation: 'firewalls.update' })).toBe(1);
    const fw = env.fake.resources('firewalls').find((f) => String(f['name']).startsWith('k8s-fw-'));
    expect(fw?.['sourceRanges']).toEqual(['10.0.0.0/8']);
  });

  it('targets the node-tags setting, and without it the nodes’ own tags once the rule is written again', async () => {
    const tagged = await startGcp({ settings: { 'node-tags': 'gke-node' } });
    try {
      await reconcile(tagged.provider, service, intent);
      expect(tagged.fake.resources('firewalls').map((f) => f['targetTags'])).toEqual([
        ['gke-node'],
        ['gke-node'],
      ]);
      const untagged = createGcpProvider(
        readSettings({
          clusterName: CLUSTER,
          values: {
            project: tagged.fake.project,
            endpoint: tagged.fake.url,
            'access-token': 'test-token',
          },
          env: {},
        }),
        CLUSTER,
        { calls: tagged.calls, sleep: async () => {} },
      );
      // Read from the instances, the tags are not compared: the rules stay until they change.
      expect(hasChanges((await reconcile(untagged, service, intent)).plan)).toBe(false);
      await reconcile(untagged, service, { ...intent, sourceRanges: ['10.0.0.0/8'] });
      const traffic = tagged.fake
        .resources('firewalls')
        .find((f) => String(f['name']).startsWith('k8s-fw-'));
      expect(traffic?.['targetTags']).toEqual(['node']);
      await untagged.close();
    } finally {
      await tagged.stop();
    }
  });

  it('replaces address, backend service and forwarding rule when the scheme changes', async () => {
    const internal = { ...intent, scheme: 'internal' as const };
    const { plan: p } = await reconcile(env.provider, service, internal);
    const replaced = p.steps
      .filter((s) => s.action === 'replace')
      .map((s) => s.address)
      .sort();
    // The traffic firewall names the address's IP as its destination, so it follows the address.
    expect(replaced).toEqual([
      'google_compute_address.this',
      'google_compute_firewall.traffic',
      'google_compute_forwarding_rule.tcp',
      'google_compute_region_backend_service.tcp',
    ]);
    expect(env.fake.resources('forwardingRules')[0]?.['loadBalancingScheme']).toBe('INTERNAL');
    const observed = await env.provider.observe(
      { service, desired: env.provider.desired(internal) },
      { clusterName: CLUSTER },
    );
    expect(
      hasChanges(
        plan({
          service,
          provider: env.provider,
          desired: env.provider.desired(internal),
          observed,
        }),
      ),
    ).toBe(false);
  });

  it('deletes everything and leaves nothing with this cluster’s ownership; deleting again is a no-op', async () => {
    await reconcile(env.provider, service, null);
    for (const c of [
      'addresses',
      'forwardingRules',
      'backendServices',
      'healthChecks',
      'firewalls',
      'networkEndpointGroups',
    ]) {
      const left = env.fake
        .resources(c)
        .filter((r) => JSON.stringify(r).includes(CLUSTER === 'prod' ? 'prod' : CLUSTER));
      expect(left, c).toEqual([]);
    }
    env.fake.reset();
    const { plan: p } = await reconcile(env.provider, service, null);
    expect(p.steps).toEqual([]);
    expect(env.fake.count({ write: true })).toBe(0);
  });
});

describe('gcp adapter: ownership', () => {
  it('refuses a same-named firewall that this cluster does not own, naming it, and never touches it', async () => {
    const intent = gcpIntent({
      service: {
        namespace: 'default',
        name: 'foreign',
        uid: '22222222-2222-2222-2222-222222222222',
      },
      targets: targets('node-a'),
    });
    const fwName = trafficFirewallName(loadBalancerName(intent.service));
    env.fake.store.put(`projects/lbctl-test/global/firewalls/${fwName}`, {
      project: 'lbctl-test',
      scope: 'global',
      collection: 'firewalls',
      body: {
        kind: 'compute#firewall',
        name: fwName,
        description: 'made by hand',
        network: 'x',
        allowed: [],
        sourceRanges: ['1.2.3.4/32'],
        selfLink: 'x',
      },
    });
    env.fake.reset();
    const error = await env.provider
      .observe(
        { service: intent.service, desired: env.provider.desired(intent) },
        { clusterName: CLUSTER },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotOwnedError);
    expect((error as Error).message).toContain(`google_compute_firewall.traffic (${fwName})`);
    expect((error as Error).message).toContain('not owned by this cluster');
    expect(env.fake.count({ write: true })).toBe(0);
    expect(
      env.fake.resources('firewalls').find((f) => f['name'] === fwName)?.['sourceRanges'],
    ).toEqual(['1.2.3.4/32']);
    env.fake.store.delete(`projects/lbctl-test/global/firewalls/${fwName}`);
  });

  it('gives two Services on different nodes their own endpoint groups, and deletes one without touching the other', async () => {
    const one = gcpIntent({
      service: { namespace: 'a', name: 'one', uid: '33333333-3333-3333-3333-333333333333' },
      targets: targets('node-a', 'node-b'),
    });
    const two = gcpIntent({
      service: { namespace: 'a', name: 'two', uid: '44444444-4444-4444-4444-444444444444' },
      targets: targets('node-a'),
    });
    await converge(env.provider, one.service, one);
    await converge(env.provider, two.service, two);
    expect(env.fake.resources('networkEndpointGroups')).toHaveLength(3);
    await converge(env.provider, one.service, null);
    expect(env.fake.resources('networkEndpointGroups')).toHaveLength(1);
    expect(env.fake.resources('backendServices')).toHaveLength(1);
    const { plan: p } = await reconcile(env.provider, two.service, two);
    expect(hasChanges(p)).toBe(false);
    await converge(env.provider, two.service, null);
    expect(env.fake.resources('networkEndpointGroups')).toHaveLength(0);
  });
});

describe('gcp adapter: faults', () => {
  it('converges through 503s, throttling and failed operations, and counts every attempt', async () => {
    const intent = gcpIntent({
      service: { namespace: 'f', name: 'faulty', uid: '55555555-5555-5555-5555-555555555555' },
      targets: targets('node-a', 'node-b'),
    });
    env.fake.faults = { errorRate: 0.2, throttleRate: 0.1, operationErrorRate: 0.1 };
    const { failures } = await converge(env.provider, intent.service, intent);
    env.fake.faults = {};
    expect(
      env.calls.count({ outcome: 'transient' }) + env.calls.count({ outcome: 'throttled' }),
    ).toBeGreaterThan(0);
    expect(env.calls.count()).toBe(env.fake.requests.length);
    expect(failures).toBeGreaterThanOrEqual(0);
    await converge(env.provider, intent.service, null);
    expect(env.fake.resources('forwardingRules')).toHaveLength(0);
  });

  it('classifies a 403 rateLimitExceeded as throttled and retries it', async () => {
    env.fake.failNext(1, { code: 403, reason: 'rateLimitExceeded', operation: 'addresses.list' });
    const intent = gcpIntent({ targets: targets('node-a') });
    await env.provider.observe({ service: intent.service, desired: [] }, { clusterName: CLUSTER });
    expect(env.calls.count({ operation: 'addresses.list', outcome: 'throttled' })).toBe(1);
    expect(env.calls.count({ operation: 'addresses.list', outcome: 'ok' })).toBe(1);
  });
});

describe('gcp adapter: idempotent steps', () => {
  it('a create that meets its own resource (409) adopts it after one insert, without retrying it', async () => {
    const intent = gcpIntent({
      service: { namespace: 'i', name: 'idem', uid: '66666666-6666-6666-6666-666666666666' },
      targets: targets('node-a'),
    });
    const firewall = env.provider
      .desired(intent)
      .find((r) => addressOf(r) === 'google_compute_firewall.traffic');
    if (firewall === undefined) throw new Error('no traffic firewall in the model');
    const step = {
      address: addressOf(firewall),
      action: 'create' as const,
      reason: 'test',
      after: firewall,
      changes: [],
      setDeltas: [],
      replacePaths: [],
    };
    // What earlier steps put in the state: the address with its IP, the endpoint group with its node.
    const state = new Map(
      env.provider
        .desired(intent)
        .filter((r) => firewall.dependsOn.includes(addressOf(r)))
        .map((r) => [
          addressOf(r),
          { ...r, attributes: { ...r.attributes, address: '34.120.9.9' } },
        ]),
    );
    await env.provider.execute({ step, state }, { clusterName: CLUSTER });
    env.calls.reset();
    const again = await env.provider.execute({ step, state }, { clusterName: CLUSTER });
    expect(again?.id).toContain(`/global/firewalls/${String(firewall.attributes['name'])}`);
    expect(env.calls.count({ operation: 'firewalls.insert' })).toBe(1);
    expect(env.calls.count({ operation: 'firewalls.get' })).toBe(1);
    await converge(env.provider, intent.service, null);
  });

  it('deleting what is already gone succeeds without writes beyond the one delete', async () => {
    const intent = gcpIntent({
      service: { namespace: 'i', name: 'gone', uid: '77777777-7777-7777-7777-777777777777' },
      targets: targets('node-a'),
    });
    const hc = env.provider
      .desired(intent)
      .find((r) => addressOf(r) === 'google_compute_region_health_check.this');
    if (hc === undefined) throw new Error('no health check in the model');
    env.calls.reset();
    const step = {
      address: addressOf(hc),
      action: 'delete' as const,
      reason: 'test',
      before: hc,
      changes: [],
      setDeltas: [],
      replacePaths: [],
    };
    await expect(
      env.provider.execute({ step, state: new Map() }, { clusterName: CLUSTER }),
    ).resolves.toBeUndefined();
    expect(env.calls.count({ operation: 'regionHealthChecks.delete', outcome: 'not-found' })).toBe(
      1,
    );
    expect(env.calls.count()).toBe(1);
  });
});
