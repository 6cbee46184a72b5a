// updateServiceOnConflict (the read-modify-write behind setFinalizer and recordApplied) through
// client-node against the sandbox API server over HTTP: the 409s are the server's own.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/cli/kubeconfig.js';
import { updateServiceOnConflict } from '../../src/controller/conflict-retry.js';
import { FINALIZER, setFinalizer } from '../../src/controller/finalizer.js';
import { APPLIED_ANNOTATION, recordApplied, specHash } from '../../src/controller/applied.js';
import { createKubeApi, type KubeApi } from '../../src/controller/kube.js';
import type { Service } from '../../src/core/k8s.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sandbox: Sandbox;
let kc: KubeConfig;
let api: KubeApi;
let core: CoreV1Api;
/** `METHOD path code` of every Service request the sandbox answered. */
let requests: string[];

beforeEach(async () => {
  requests = [];
  sandbox = await startSandbox({
    onRequest: ({ method, url, code }) => {
      const path = url.split('?')[0] ?? '';
      if (path.includes('/services')) requests.push(`${method} ${path} ${code}`);
    },
  });
  kc = loadKubeConfig({ kubeconfig: sandbox.kubeconfigPath, env: {} });
  api = createKubeApi(kc);
  core = kc.makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await sandbox.close();
});

const PATH = '/api/v1/namespaces/default/services/web';

async function create(): Promise<Service> {
  await core.createNamespacedService({
    namespace: 'default',
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
    },
  });
  const s = await api.getService('default', 'web');
  if (s === undefined) throw new Error('not created');
  requests = [];
  return s;
}

/** Another writer: a label changed behind the caller's back, so its resourceVersion is stale. */
async function writeBehind(label: string): Promise<void> {
  const s = await core.readNamespacedService({ namespace: 'default', name: 'web' });
  s.metadata = { ...s.metadata, labels: { ...s.metadata?.labels, other: label } };
  await core.replaceNamespacedService({ namespace: 'default', name: 'web', body: s });
}

/** The API with another writer that always gets in between a re-read and the PUT. */
function contended(): KubeApi {
  let n = 0;
  return {
    ...api,
    getService: async (namespace, name) => {
      const s = await api.getService(namespace, name);
      await writeBehind(String(++n));
      return s;
    },
  };
}

const conflicts = () => requests.filter((q) => q === `PUT ${PATH} 409`).length;

const labelled = (s: Readonly<Service>, value: string): Service => {
  const next = structuredClone(s) as Service;
  next.metadata.labels = { ...next.metadata.labels, mine: value };
  return next;
};

describe('updateServiceOnConflict against the sandbox', () => {
  it('a 409 re-reads and makes the change again from the fresh copy, keeping the other write', async () => {
    const stale = await create();
    await writeBehind('1');
    requests = [];
    const seen: string[] = [];
    const r = await updateServiceOnConflict(api, stale, {
      attempts: 3,
      change: (current) => {
        seen.push(current.metadata.resourceVersion ?? '');
        return labelled(current, 'x');
      },
    });
    expect(r.kind).toBe('done');
    const written = r.kind === 'done' ? r.service : undefined;
    expect(written?.metadata.labels).toEqual({ other: '1', mine: 'x' });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(stale.metadata.resourceVersion);
    expect(seen[1]).not.toBe(stale.metadata.resourceVersion);
    expect(requests).toEqual([`PUT ${PATH} 409`, `GET ${PATH} 200`, `PUT ${PATH} 200`]);
  });

  it('nothing to change: no write at all', async () => {
    const s = await create();
    const r = await updateServiceOnConflict(api, s, { attempts: 3, change: () => undefined });
    expect(r).toEqual({ kind: 'done', service: s });
    expect(requests).toEqual([]);
  });

  it('gives up after `attempts` conflicting PUTs and returns the Service as last read', async () => {
    const stale = await create();
    await writeBehind('0');
    const r = await updateServiceOnConflict(contended(), stale, {
      attempts: 2,
      change: (current) => labelled(current, 'x'),
    });
    expect(r.kind).toBe('conflicting');
    const last = r.kind === 'conflicting' ? r.service : undefined;
    expect(last?.metadata.labels).toEqual({ other: '1' });
    expect(conflicts()).toBe(2);
  });

  it('a Service deleted in between is gone: the 404 re-reads once and stops', async () => {
    const s = await create();
    await core.deleteNamespacedService({ namespace: 'default', name: 'web' });
    requests = [];
    const r = await updateServiceOnConflict(api, s, {
      attempts: 3,
      change: (current) => labelled(current, 'x'),
    });
    expect(r).toEqual({ kind: 'gone' });
    expect(requests).toEqual([`PUT ${PATH} 404`, `GET ${PATH} 404`]);
  });

  it('any other API error is thrown as it came, with no retry', async () => {
    const s = await create();
    await expect(
      updateServiceOnConflict(api, s, {
        attempts: 3,
        change: (current) => {
          const next = structuredClone(current) as Service;
          (next.spec as { type: string }).type = 'Bogus';
          return next;
        },
      }),
    ).rejects.toMatchObject({ kind: 'terminal' });
    expect(requests.filter((q) => q.startsWith('PUT'))).toHaveLength(1);
  });

  it('refuses a number of attempts that is not a positive integer', async () => {
    const s = await create();
    await expect(
      updateServiceOnConflict(api, s, { attempts: 0, change: () => undefined }),
    ).rejects.toThrow(TypeError);
  });
});

describe('the two callers keep their own ends', () => {
  it('setFinalizer adds the finalizer through a conflict', async () => {
    const stale = await create();
    await writeBehind('0');
    const s = await setFinalizer(api, stale, true);
    expect(s?.metadata.finalizers).toEqual([FINALIZER]);
    expect(s?.metadata.labels).toEqual({ other: '0' });
  });

  it('setFinalizer throws after five conflicts, naming the Service', async () => {
    const stale = await create();
    await writeBehind('0');
    await expect(setFinalizer(contended(), stale, true)).rejects.toThrow(
      `could not add finalizer ${FINALIZER} on Service default/web: kept conflicting`,
    );
    expect(conflicts()).toBe(5);
  });

  it('recordApplied never fails a reconcile: after three conflicts it returns the last read', async () => {
    const stale = await create();
    await writeBehind('0');
    const s = await recordApplied(contended(), stale, specHash(stale));
    expect(s?.metadata.annotations?.[APPLIED_ANNOTATION]).toBeUndefined();
    expect(conflicts()).toBe(3);
  });

  it('recordApplied writes the annotation through a conflict', async () => {
    const stale = await create();
    await writeBehind('0');
    const s = await recordApplied(api, stale, specHash(stale));
    expect(s?.metadata.annotations?.[APPLIED_ANNOTATION]).toBe(specHash(stale));
  });
});
