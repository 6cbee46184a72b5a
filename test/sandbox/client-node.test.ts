import type { KubernetesObject, V1Node, V1Service } from '@kubernetes/client-node';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { until } from './support.js';

let sandbox: Sandbox;
let core: CoreV1Api;
let kc: KubeConfig;
let requests: string[];
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  requests = [];
  sandbox = await startSandbox({ onRequest: (e) => requests.push(`${e.method} ${e.url}`) });
  kc = new KubeConfig();
  kc.loadFromString(sandbox.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await sandbox.close();
});

type Seen = {
  verb: 'add' | 'update' | 'delete';
  name: string;
  rv: string | undefined;
  obj: KubernetesObject;
};

/** Starts an informer and records what it reports; `seen(pred)` resolves on the first match. */
async function informer<T extends KubernetesObject>(
  path: string,
  list: () => Promise<{ items: T[] }>,
) {
  const inf = makeInformer<T>(kc, path, list as never);
  const events: Seen[] = [];
  const listeners = new Set<() => void>();
  for (const verb of ['add', 'update', 'delete'] as const) {
    inf.on(verb, (obj: T) => {
      events.push({ verb, name: obj.metadata?.name ?? '', rv: obj.metadata?.resourceVersion, obj });
      listeners.forEach((l) => l());
    });
  }
  await inf.start();
  stops.push(() => inf.stop());
  const seen = (pred: (e: Seen) => boolean, what: string): Promise<Seen> =>
    until(
      (notify) => {
        listeners.add(notify);
        return () => listeners.delete(notify);
      },
      () => events.find(pred),
      what,
    );
  return { inf, events, seen };
}

const svc = (name: string, extra: Partial<V1Service['spec']> = {}): V1Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...extra },
});

describe('client-node against the sandbox', () => {
  it('informers over services see adds, updates and deletes', async () => {
    const { seen } = await informer<V1Service>('/api/v1/services', () =>
      core.listServiceForAllNamespaces(),
    );
    const created = await core.createNamespacedService({ namespace: 'default', body: svc('web') });
    const added = await seen((e) => e.verb === 'add' && e.name === 'web', 'add of web');
    expect(added.rv).toBe(created.metadata?.resourceVersion);
    expect((added.obj as V1Service).spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000);

    await core.patchNamespacedService(
      { name: 'web', namespace: 'default', body: { metadata: { labels: { tier: 'front' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const updated = await seen((e) => e.verb === 'update' && e.name === 'web', 'update of web');
    expect(updated.obj.metadata?.labels).toEqual({ tier: 'front' });

    await core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    await seen((e) => e.verb === 'delete' && e.name === 'web', 'delete of web');
  });

  it('informers over nodes see adds, updates and deletes', async () => {
    const { seen } = await informer<V1Node>('/api/v1/nodes', () => core.listNode());
    const node: V1Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a' },
      status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
    };
    await core.createNode({ body: node });
    await seen((e) => e.verb === 'add' && e.name === 'node-a', 'add of node-a');
    await core.patchNode(
      { name: 'node-a', body: { spec: { unschedulable: true } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const updated = await seen(
      (e) => e.verb === 'update' && e.name === 'node-a',
      'update of node-a',
    );
    expect((updated.obj as V1Node).spec?.unschedulable).toBe(true);
    expect((updated.obj as V1Node).status?.addresses).toEqual([
      { type: 'InternalIP', address: '10.0.0.1' },
    ]);
    await core.deleteNode({ name: 'node-a' });
    await seen((e) => e.verb === 'delete' && e.name === 'node-a', 'delete of node-a');
  });

  it('a forced watch expiry (410) makes the informer list again without missing a change', async () => {
    await core.createNamespacedService({ namespace: 'default', body: svc('before') });
    const { seen } = await informer<V1Service>('/api/v1/services', () =>
      core.listServiceForAllNamespaces(),
    );
    await seen((e) => e.verb === 'add' && e.name === 'before', 'initial list');
    const lists = (): number =>
      requests.filter((r) => r.startsWith('GET /api/v1/services') && !r.includes('watch=')).length;
    expect(lists()).toBe(1);

    // Expire, then change state before the informer can reconnect: only a relist can see these.
    sandbox.store.expireWatches();
    const before = sandbox.store.get('services', 'before');
    sandbox.store.update('services', {
      ...before,
      metadata: { ...before.metadata, labels: { moved: 'yes' } },
    });
    sandbox.store.create('services', svc('during') as never, 'default');

    await seen((e) => e.verb === 'add' && e.name === 'during', 'add of during after the relist');
    const changed = await seen(
      (e) => e.verb === 'update' && e.name === 'before',
      'update of before after the relist',
    );
    expect(changed.obj.metadata?.labels).toEqual({ moved: 'yes' });
    expect(lists()).toBe(2);
    expect(requests.some((r) => r.includes('watch=true') && r.includes(`resourceVersion=`))).toBe(
      true,
    );
  });

  it('refuses a stale update with 409 Conflict', async () => {
    const first = await core.createNamespacedService({ namespace: 'default', body: svc('web') });
    await core.replaceNamespacedService({
      name: 'web',
      namespace: 'default',
      body: { ...first, metadata: { ...first.metadata, labels: { a: '1' } } },
    });
    const stale = core.replaceNamespacedService({
      name: 'web',
      namespace: 'default',
      body: { ...first, metadata: { ...first.metadata, labels: { a: '2' } } },
    });
    const e = await stale.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ApiException);
    const ex = e as ApiException<string>;
    expect(ex.code).toBe(409);
    const status = JSON.parse(ex.body) as { reason: string; message: string };
    expect(status.reason).toBe('Conflict');
    expect(status.message).toBe(
      'Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(sandbox.store.get('services', 'web').metadata['labels']).toEqual({ a: '1' });
  });

  it('a merge patch to status changes only status', async () => {
    const created = await core.createNamespacedService({ namespace: 'default', body: svc('web') });
    const patched = await core.patchNamespacedServiceStatus(
      {
        name: 'web',
        namespace: 'default',
        body: {
          spec: { type: 'ClusterIP' },
          metadata: { labels: { sneaky: 'yes' } },
          status: { loadBalancer: { ingress: [{ ip: '198.51.100.7' }] } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    // ipMode defaulted to VIP for an ingress with an ip (LoadBalancerIPMode, GA in 1.32).
    expect(patched.status?.loadBalancer?.ingress).toEqual([{ ip: '198.51.100.7', ipMode: 'VIP' }]);
    expect(patched.spec).toEqual(created.spec);
    expect(patched.metadata?.labels).toBeUndefined();
    expect(patched.metadata?.generation).toBeUndefined();
    expect(Number(patched.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );

    // And the main resource never changes status.
    const main = await core.patchNamespacedService(
      {
        name: 'web',
        namespace: 'default',
        body: { status: { loadBalancer: {} }, spec: { type: 'NodePort' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(main.status?.loadBalancer?.ingress).toEqual([{ ip: '198.51.100.7', ipMode: 'VIP' }]);
    expect(main.spec?.type).toBe('NodePort');
    expect(main.metadata?.generation).toBeUndefined();
  });

  it('refuses a merge-style body sent with the default JSON patch content type', async () => {
    await core.createNamespacedService({ namespace: 'default', body: svc('web') });
    const e = await core
      .patchNamespacedServiceStatus({ name: 'web', namespace: 'default', body: { status: {} } })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect((e as ApiException<string>).code).toBe(400);
    expect(JSON.parse((e as ApiException<string>).body)).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
    });
  });
});
