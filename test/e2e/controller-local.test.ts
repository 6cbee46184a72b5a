// End to end: the sandbox API server (real HTTP, real kubectl, client-node informers) and the
// controller, against the in-memory cloud. test/e2e/controller-aws.test.ts runs the same
// scenarios against AWS on moto.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import { LocalCloud, connectLocal } from '../../providers/local/index.js';
import { FINALIZER } from '../../src/controller/finalizer.js';
import { e2eEnv, eventually, nodeYaml, serviceYaml } from './support.js';

type Env = Awaited<ReturnType<typeof e2eEnv>>;
let env: Env;
let cloud: LocalCloud;
let calls: ReturnType<typeof createCallLog>;

beforeEach(async () => {
  env = await e2eEnv();
  cloud = new LocalCloud();
  calls = createCallLog();
  for (let i = 1; i <= 3; i++) await env.apply(nodeYaml(`node-${i}`, `local://node-${i}`));
});
afterEach(async () => {
  await env.close();
});

const provider = () => connectLocal(cloud, calls);
const externalIP = async (name: string) =>
  (await env.getSvc(name)).status?.loadBalancer?.ingress?.[0]?.ip;
const writes = () => calls.calls.filter((c) => c.write).map((c) => c.operation);

describe('e2e (sandbox + local cloud): lifecycle', { timeout: 60_000 }, () => {
  it('kubectl create → get svc shows the address; describe shows the events', async () => {
    await env.startCtl({ provider: provider(), calls });
    await env.apply(serviceYaml('web'), 'create');
    const ip = await eventually(() => externalIP('web'), 'an external IP');
    expect(ip).toBe('192.0.2.1');
    const table = await env.kubectl('get', 'svc', 'web');
    expect(table).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/m);
    expect(table).toMatch(/web\s+LoadBalancer\s+10\.\d+\.\d+\.\d+\s+192\.0\.2\.1\s+80:3\d{4}\/TCP/);
    const described = await eventually(async () => {
      const d = await env.kubectl('describe', 'svc', 'web');
      return d.includes('EnsuredLoadBalancer') ? d : undefined;
    }, 'events in describe');
    expect(described).toMatch(/LoadBalancer Ingress:\s+192\.0\.2\.1/);
    expect(described).toMatch(/Normal\s+EnsuringLoadBalancer/);
    expect((await env.getSvc('web')).metadata.finalizers).toEqual([FINALIZER]);
  });

  it('a new Service is reconciled once over HTTP: our own finalizer, status and annotation writes queue nothing', async () => {
    const ctl = await env.startCtl({ provider: provider(), calls });
    await env.apply(serviceYaml('web'), 'create');
    await eventually(() => externalIP('web'), 'an external IP');
    await eventually(() => ctl.controller.isIdle(), 'an idle controller');
    await new Promise((r) => setTimeout(r, 300)); // let the watch deliver our own writes
    await eventually(() => ctl.controller.isIdle(), 'an idle controller');
    expect(calls.count({ operation: 'DescribeResources' })).toBe(1);
  });

  it('nodes added, removed and excluded change only the target registrations', async () => {
    await env.startCtl({ provider: provider(), calls });
    await env.apply(serviceYaml('web'), 'create');
    await eventually(() => externalIP('web'), 'an external IP');
    calls.reset();
    await env.apply(nodeYaml('node-4', 'local://node-4'));
    await eventually(() => writes().length === 1, 'one write');
    expect(writes()).toEqual(['RegisterTargets']);
    expect(calls.count({ write: false })).toBe(0);
    calls.reset();
    await env.kubectl(
      'label',
      'node',
      'node-2',
      'node.kubernetes.io/exclude-from-external-load-balancers=true',
    );
    await eventually(() => writes().length === 1, 'one write');
    await env.kubectl('delete', 'node', 'node-3');
    await eventually(() => writes().length === 2, 'two writes');
    expect(writes()).toEqual(['DeregisterTargets', 'DeregisterTargets']);
    expect(calls.count({ write: false })).toBe(0);
    const set = cloud.list().find((r) => r.type === 'local_target_set');
    expect(set?.attributes['members']).toEqual(['local://node-1', 'local://node-4']);
  });

  it('a port change follows; type ClusterIP deletes the load balancer, clears status, drops the finalizer', async () => {
    await env.startCtl({ provider: provider(), calls });
    await env.apply(serviceYaml('web'));
    await eventually(() => externalIP('web'), 'an external IP');
    await env.apply(serviceYaml('web', { port: 8080 }));
    await eventually(
      () => cloud.list().find((r) => r.type === 'local_listener')?.attributes['port'] === 8080,
      'the listener on 8080',
    );
    await env.kubectl('patch', 'svc', 'web', '--type=merge', '-p', '{"spec":{"type":"ClusterIP"}}');
    await eventually(async () => {
      const s = await env.getSvc('web');
      return (
        cloud.list().length === 0 &&
        (s.metadata.finalizers ?? []).length === 0 &&
        s.status?.loadBalancer?.ingress === undefined
      );
    }, 'cleanup after the type change');
  });

  it('kubectl delete returns only after the load balancer is gone', async () => {
    await env.startCtl({ provider: provider(), calls });
    await env.apply(serviceYaml('web'), 'create');
    await eventually(() => externalIP('web'), 'an external IP');
    await env.kubectl('delete', 'svc', 'web', '--wait=true', '--timeout=15s');
    expect(cloud.list()).toEqual([]);
    await expect(env.kubectl('get', 'svc', 'web')).rejects.toThrow(/NotFound|not found/);
  });

  it('an invalid annotation: a Warning event naming it, and no cloud call', async () => {
    await env.startCtl({ provider: provider(), calls });
    await env.apply(serviceYaml('bad', { annotations: { 'lbctl.io/scheme': 'public' } }), 'create');
    const events = await eventually(async () => {
      const out = await env.kubectl(
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=bad',
        '-o',
        'json',
      );
      const items = (
        JSON.parse(out) as { items: { type: string; reason: string; message: string }[] }
      ).items;
      return items.length > 0 ? items : undefined;
    }, 'a Warning event');
    expect(events[0]).toMatchObject({ type: 'Warning', reason: 'SyncLoadBalancerFailed' });
    expect(events[0]?.message).toContain('metadata.annotations[lbctl.io/scheme]');
    expect(events[0]?.message).toContain('"public"');
    expect(calls.calls).toHaveLength(0);
  });
});

describe('e2e (sandbox + local cloud): restarts and leaders', { timeout: 60_000 }, () => {
  it('a restart on a converged cluster makes zero cloud writes', async () => {
    const first = await env.startCtl({ provider: provider(), calls });
    for (const n of ['a', 'b', 'c']) await env.apply(serviceYaml(n), 'create');
    for (const n of ['a', 'b', 'c']) await eventually(() => externalIP(n), `an IP for ${n}`);
    await first.stop();
    calls.reset();
    // Converged to their spec (the applied-spec annotation says so): verified spread over the
    // interval, not all at once.
    const second = await env.startCtl({ provider: provider(), calls, verifyIntervalSeconds: 2 });
    await eventually(
      () => calls.count({ operation: 'DescribeResources' }) >= 3 && second.controller.isIdle(),
      'verification of all three',
    );
    expect(calls.count({ write: true })).toBe(0);
  });

  it('a kill between two cloud calls while creating leaves no leak after restart', async () => {
    let hang = true;
    cloud.beforeCall = (op) =>
      hang && op === 'CreateListener' ? new Promise<never>(() => {}) : undefined;
    const first = await env.startCtl({ provider: provider(), calls });
    await env.apply(serviceYaml('web'), 'create');
    await eventually(() => calls.count({ operation: 'CreateTargetSet' }) === 1, 'the crash point');
    await first.kill();
    hang = false;
    await env.startCtl({ provider: provider(), calls });
    await eventually(() => externalIP('web'), 'an external IP after restart');
    expect(cloud.list().filter((r) => r.type === 'local_lb')).toHaveLength(1);
    expect(cloud.list()).toHaveLength(3);
  });

  it('two instances: only the leader writes; stopping it hands over within the lease duration', async () => {
    const callsA = createCallLog();
    const callsB = createCallLog();
    const a = await env.startCtl({
      provider: connectLocal(cloud, callsA),
      calls: callsA,
      leaderElect: true,
      identity: 'a',
      fastLeases: true,
    });
    await eventually(() => a.isLeader(), 'a leads');
    const b = await env.startCtl({
      provider: connectLocal(cloud, callsB),
      calls: callsB,
      leaderElect: true,
      identity: 'b',
      fastLeases: true,
    });
    await env.apply(serviceYaml('one'), 'create');
    await eventually(() => externalIP('one'), 'an IP for one');
    expect(callsA.count({ write: true })).toBeGreaterThan(0);
    expect(callsB.calls).toHaveLength(0);
    expect(b.isLeader()).toBe(false);
    const t0 = Date.now();
    await a.kill(); // no release: the standby must wait for the lease to expire
    await eventually(() => b.isLeader(), 'b takes over', 10_000);
    // The lease (3 s) from b's last observed renewal, plus up to two jittered retry periods,
    // plus slack for a loaded CI machine.
    expect(Date.now() - t0).toBeLessThan(3_000 + 2 * 500 * 2.2 + 3_000);
    await env.apply(serviceYaml('two'), 'create');
    await eventually(() => externalIP('two'), 'an IP for two');
    expect(callsB.count({ write: true })).toBeGreaterThan(0);
  });
});
