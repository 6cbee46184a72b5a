// The controller's Kubernetes edge (kube.ts, informers, leader election, events) against the
// sandbox API server over HTTP with client-node.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/controller/clock.js';
import { createEventRecorder } from '../../src/controller/events.js';
import { startInformers, type WatchEvent } from '../../src/controller/informers.js';
import { createKubeApi, type KubeApi } from '../../src/controller/kube.js';
import { LeaderElector } from '../../src/controller/leader.js';
import { loadKubeConfig } from '../../src/cli/kubeconfig.js';
import type { Service } from '../../src/core/k8s.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sandbox: Sandbox;
let kc: KubeConfig;
let api: KubeApi;

beforeEach(async () => {
  sandbox = await startSandbox();
  kc = loadKubeConfig({ kubeconfig: sandbox.kubeconfigPath, env: {} });
  api = createKubeApi(kc);
});
afterEach(async () => {
  await sandbox.close();
});

const svc = (name: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
});

async function create(name: string): Promise<Service> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespacedService({ namespace: 'default', body: svc(name) as never });
  const s = await api.getService('default', name);
  if (s === undefined) throw new Error('not created');
  return s;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('kube api against the sandbox', () => {
  it('updates finalizers with optimistic concurrency and patches status with a merge patch', async () => {
    const s = await create('web');
    const updated = await api.updateService({
      ...s,
      metadata: { ...s.metadata, finalizers: ['x/y'] },
    });
    expect(updated.metadata.finalizers).toEqual(['x/y']);
    await expect(
      api.updateService({ ...s, metadata: { ...s.metadata, finalizers: [] } }),
    ).rejects.toMatchObject({
      kind: 'conflict',
    });
    const patched = await api.patchServiceStatus('default', 'web', {
      loadBalancer: { ingress: [{ ip: '192.0.2.7', ipMode: 'VIP' }] },
    });
    expect(patched.status?.loadBalancer?.ingress).toEqual([{ ip: '192.0.2.7', ipMode: 'VIP' }]);
    expect(patched.spec.ports?.[0]?.port).toBe(80);
    const cleared = await api.patchServiceStatus('default', 'web', {
      loadBalancer: { ingress: null },
    });
    expect(cleared.status?.loadBalancer?.ingress).toBeUndefined();
    expect(await api.getService('default', 'nope')).toBeUndefined();
  });

  it('records events and aggregates a repeat into a count', async () => {
    const s = await create('web');
    const rec = createEventRecorder({ api, clock: systemClock, instance: 'test' });
    await rec.record(s, 'Warning', 'SyncLoadBalancerFailed', 'boom');
    await rec.record(s, 'Warning', 'SyncLoadBalancerFailed', 'boom');
    const core = kc.makeApiClient(CoreV1Api);
    const events = (await core.listNamespacedEvent({ namespace: 'default' })).items;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      reason: 'SyncLoadBalancerFailed',
      type: 'Warning',
      count: 2,
    });
    expect(events[0]?.involvedObject).toMatchObject({
      kind: 'Service',
      name: 'web',
      uid: s.metadata.uid,
    });
  });

  it('informers list, then see adds and updates, and keys stay plain JSON', async () => {
    await create('a');
    const seen: [WatchEvent, string][] = [];
    const inf = startInformers({
      kc,
      clock: systemClock,
      onService: (e, s) => seen.push([e, s.metadata.name]),
      onNode: () => {},
      onError: () => {},
    });
    await inf.synced;
    expect(inf.isSynced()).toBe(true);
    expect(inf.cache.service('default/a')?.metadata.name).toBe('a');
    expect(typeof inf.cache.service('default/a')?.metadata.creationTimestamp).toBe('string');
    await create('b');
    await until(() => seen.some(([e, n]) => e === 'add' && n === 'b'), 'the add of b');
    await inf.stop();
  });
});

describe('leader election against the sandbox', () => {
  it('one leads, the other takes over after a release', async () => {
    const log: string[] = [];
    const elector = (identity: string) =>
      new LeaderElector({
        api,
        namespace: 'default',
        name: 'lbctl',
        identity,
        clock: systemClock,
        leaseDurationMs: 3_000,
        renewDeadlineMs: 2_000,
        retryPeriodMs: 200,
        onStartedLeading: () => log.push(`${identity} started`),
        onStoppedLeading: () => log.push(`${identity} stopped`),
      });
    const a = elector('a');
    void a.run();
    await until(() => a.isLeader(), 'a to lead');
    const b = elector('b');
    void b.run();
    await new Promise((r) => setTimeout(r, 600));
    expect(b.isLeader()).toBe(false);
    const lease = await api.getLease('default', 'lbctl');
    expect(lease?.holderIdentity).toBe('a');
    await a.stop();
    await until(() => b.isLeader(), 'b to lead');
    expect((await api.getLease('default', 'lbctl'))?.holderIdentity).toBe('b');
    await b.stop();
    expect(log).toEqual(['a started', 'a stopped', 'b started', 'b stopped']);
  });
});
