import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { call } from './http-support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbctl-sandbox-life-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const svc = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30008 }] },
};

it('keeps state in a snapshot across restarts, allocations included', async () => {
  const snapshotFile = join(dir, 'state.json');
  const first = await startSandbox({ snapshotFile });
  const created = await call(first.url, 'POST', '/api/v1/namespaces/default/services', {
    body: svc,
  });
  expect(created.status).toBe(201);
  await first.close();
  expect(JSON.parse(await readFile(snapshotFile, 'utf8'))).toMatchObject({
    resourceVersion: expect.any(Number),
  });

  const second = await startSandbox({ snapshotFile });
  try {
    const again = await call(second.url, 'GET', '/api/v1/namespaces/default/services/web');
    expect(again.body['metadata']).toEqual(created.body['metadata']);
    const clash = await call(second.url, 'POST', '/api/v1/namespaces/default/services', {
      body: { ...svc, metadata: { name: 'other' } },
    });
    expect(clash.status).toBe(422);
    const next = await call(second.url, 'POST', '/api/v1/namespaces/default/services', {
      body: { ...svc, metadata: { name: 'third' }, spec: { ports: [{ port: 80 }] } },
    });
    expect(
      Number((next.body['metadata'] as { resourceVersion: string }).resourceVersion),
    ).toBeGreaterThan(
      Number((created.body['metadata'] as { resourceVersion: string }).resourceVersion),
    );
  } finally {
    await second.close();
  }
});

it('writes a kubeconfig for 127.0.0.1, starts the default namespaces, and refuses other hosts', async () => {
  const sandbox = await startSandbox({ kubeconfigPath: join(dir, 'kc') });
  try {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await readFile(join(dir, 'kc'), 'utf8')).toContain(`server: ${sandbox.url}`);
    expect(sandbox.store.list('namespaces').map((n) => n.metadata['name'])).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
  } finally {
    await sandbox.close();
  }
  await expect(startSandbox({ host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow('127.0.0.1 only');
});

it('tells store listeners about every change, in wire form', async () => {
  const sandbox = await startSandbox({ kubeconfigPath: join(dir, 'kc') });
  try {
    const seen: string[] = [];
    const stop = sandbox.store.onChange('events.events.k8s.io', (type, o) => {
      seen.push(`${type} ${String(o['apiVersion'])} ${String(o['note'])}`);
    });
    sandbox.store.create('events', {
      metadata: { name: 'e' },
      involvedObject: { kind: 'Service', name: 'web' },
      message: 'hi',
    });
    sandbox.store.delete('events', 'e');
    stop();
    sandbox.store.create('events', {
      metadata: { name: 'f' },
      involvedObject: { kind: 'Service', name: 'web' },
    });
    expect(seen).toEqual(['ADDED events.k8s.io/v1 hi', 'DELETED events.k8s.io/v1 hi']);
  } finally {
    await sandbox.close();
  }
});
