import { describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import { LbctlError, NotOwnedError } from '../../src/core/errors.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { Step } from '../../src/core/plan.js';
import type { Resource } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import { clusterTagKey } from '../../src/core/tags.js';
import { LocalCloud, connectLocal, localCloudOptions } from '../../providers/local/index.js';
import { intentFor, nodesFor } from '../support/intents.js';

const ctx = { clusterName: 'demo' };
const noRetry = { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 1 };

function intent(over: Partial<LoadBalancerIntent> = {}): LoadBalancerIntent {
  return intentFor({
    service: { namespace: 'default', name: 'web', uid: '1234-5678-9abc' },
    clusterName: 'demo',
    listeners: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 }],
    targets: nodesFor({ nodeName: (i) => `n${i}`, providerID: (name) => `local://${name}` }, 2),
    ...over,
  });
}

const step = (s: Partial<Step> & Pick<Step, 'address' | 'action'>): Step => ({
  reason: 'test',
  changes: [],
  setDeltas: [],
  replacePaths: [],
  ...s,
});

/** Creates every desired resource in dependency order, as apply would. */
async function createAll(cloud: LocalCloud, desired: Resource[]) {
  const calls = createCallLog();
  const p = connectLocal(cloud, calls, { retry: noRetry });
  const state = new Map<string, Resource>();
  const order = [...desired].sort((a, b) => a.dependsOn.length - b.dependsOn.length);
  for (const r of order) {
    const out = await p.execute(
      { step: step({ address: addressOf(r), action: 'create', after: r }), state },
      ctx,
    );
    if (out) state.set(addressOf(out), out);
  }
  return { p, calls, state };
}

const strip = (r: Resource) => {
  const attributes = { ...r.attributes };
  delete attributes['address'];
  return { type: r.type, name: r.name, attributes, dependsOn: r.dependsOn };
};

describe('providers/local', () => {
  it('desired is pure and tags every resource with ownership', () => {
    const cloud = new LocalCloud();
    const p = connectLocal(cloud, createCallLog());
    const a = p.desired(intent());
    expect(p.desired(intent())).toEqual(a);
    expect(a.map(addressOf).sort()).toEqual([
      'local_lb.this',
      'local_listener.http',
      'local_target_set.http',
    ]);
    for (const r of a) {
      expect((r.attributes['tags'] as Record<string, string>)[clusterTagKey('demo')]).toBe('owned');
    }
  });

  it('observe after create returns what desired built, with ids and a documentation address', async () => {
    const cloud = new LocalCloud();
    const desired = connectLocal(cloud, createCallLog()).desired(intent());
    const { p, calls } = await createAll(cloud, desired);
    expect(calls.count({ write: true })).toBe(3);
    const observed = await p.observe({ service: intent().service, desired }, ctx);
    expect(observed.map(strip)).toEqual(
      [...desired].sort((a, b) => (addressOf(a) < addressOf(b) ? -1 : 1)).map(strip),
    );
    expect(p.ingress(observed)).toEqual([{ ip: '192.0.2.1', ipMode: 'VIP' }]);
    expect(observed.every((r) => typeof r.id === 'string')).toBe(true);
  });

  it('a member-set delta makes one register call and no modify', async () => {
    const cloud = new LocalCloud();
    const desired = connectLocal(cloud, createCallLog()).desired(intent());
    const { p, state } = await createAll(cloud, desired);
    const calls = p.calls;
    calls.reset();
    const before = state.get('local_target_set.http') as Resource;
    const after = connectLocal(cloud, createCallLog())
      .desired(
        intent({ targets: [...intent().targets, { nodeName: 'n3', providerID: 'local://n3' }] }),
      )
      .find((r) => addressOf(r) === 'local_target_set.http') as Resource;
    const out = await p.execute(
      {
        step: step({
          address: 'local_target_set.http',
          action: 'update',
          before,
          after,
          changes: [
            {
              path: 'members',
              before: before.attributes['members'] ?? null,
              after: after.attributes['members'] ?? null,
              forcesReplacement: false,
            },
          ],
          setDeltas: [{ path: 'members', add: ['local://n3'], remove: [] }],
        }),
        state,
      },
      ctx,
    );
    expect(calls.calls.map((c) => c.operation)).toEqual(['RegisterTargets']);
    expect(out?.attributes['members']).toEqual(['local://n1', 'local://n2', 'local://n3']);
  });

  it('create is idempotent per client token, so a retry after a crash makes no duplicate', async () => {
    const cloud = new LocalCloud();
    const desired = connectLocal(cloud, createCallLog()).desired(intent());
    await createAll(cloud, desired);
    await createAll(cloud, desired);
    expect(cloud.list()).toHaveLength(3);
  });

  it('refuses to delete a load balancer still in use, and deleting twice succeeds', async () => {
    const cloud = new LocalCloud();
    const desired = connectLocal(cloud, createCallLog()).desired(intent());
    const { p, state } = await createAll(cloud, desired);
    const lb = state.get('local_lb.this') as Resource;
    await expect(
      p.execute(
        { step: step({ address: 'local_lb.this', action: 'delete', before: lb }), state },
        ctx,
      ),
    ).rejects.toMatchObject({ kind: 'conflict' });
    for (const address of [
      'local_listener.http',
      'local_target_set.http',
      'local_lb.this',
      'local_lb.this',
    ]) {
      const before = state.get(address) as Resource;
      await p.execute({ step: step({ address, action: 'delete', before }), state }, ctx);
    }
    expect(cloud.list()).toEqual([]);
  });

  it('throws NotOwnedError when a load balancer of the same name lacks the cluster tag', async () => {
    const cloud = new LocalCloud();
    await cloud.create({
      type: 'local_lb',
      attributes: { name: 'a12345678' + '9abc' },
      tags: {},
      clientToken: 'foreign',
    });
    const p = connectLocal(cloud, createCallLog());
    const desired = p.desired(intent());
    await expect(p.observe({ service: intent().service, desired }, ctx)).rejects.toBeInstanceOf(
      NotOwnedError,
    );
  });

  it('throttles past the token bucket and records the outcome', async () => {
    let t = 0;
    const cloud = new LocalCloud({
      now: () => t,
      limits: { readsPerSecond: 1, writesPerSecond: 1, burst: 2 },
    });
    const p = connectLocal(cloud, createCallLog(), {
      retry: noRetry,
      now: () => t,
      sleep: async (ms) => void (t += ms),
    });
    // Observing a Service with nothing in the cloud is two reads: by tags, then by name.
    const req = { service: intent().service, desired: [] };
    await p.observe(req, ctx);
    const err: unknown = await p.observe(req, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LbctlError);
    expect(err).toMatchObject({ kind: 'throttled', retryAfterMs: 1000 });
    expect(p.calls.count({ outcome: 'throttled' })).toBe(1);
    t = 3000;
    await expect(p.observe(req, ctx)).resolves.toEqual([]);
  });

  it('retries a throttled call after the hint, through the shared cloud caller', async () => {
    let t = 0;
    const cloud = new LocalCloud({
      now: () => t,
      limits: { readsPerSecond: 1, writesPerSecond: 1, burst: 1 },
    });
    const p = connectLocal(cloud, createCallLog(), {
      now: () => t,
      sleep: async (ms) => void (t += ms),
      random: () => 0,
    });
    const req = { service: intent().service, desired: [] };
    await p.observe(req, ctx);
    // The by-name read found the bucket empty, waited for the hint and succeeded.
    expect(p.calls.count({ outcome: 'throttled' })).toBe(1);
    expect(p.calls.count({ outcome: 'ok' })).toBe(2);
  });

  it('adds latency through the injected sleep', async () => {
    const slept: number[] = [];
    const cloud = new LocalCloud({ latencyMs: 25, sleep: async (ms) => void slept.push(ms) });
    await connectLocal(cloud, createCallLog()).observe(
      { service: intent().service, desired: [] },
      ctx,
    );
    expect(slept).toEqual([25, 25]);
  });

  it('settings: every bad value is named at once', () => {
    expect(() =>
      localCloudOptions({ clusterName: 'c', values: { 'latency-ms': 'x', burst: '3' }, env: {} }),
    ).toThrow(/latency-ms: Invalid value: "x".*rate limits need all three/);
    expect(
      localCloudOptions({ clusterName: 'c', values: {}, env: { LBCTL_LOCAL_LATENCY_MS: '5' } }),
    ).toEqual({ latencyMs: 5 });
  });
});
