import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { apiServerClusterIP } from '../../src/sandbox/kubernetes-service.js';
import { call } from './http-support.js';

const SVCS = '/api/v1/namespaces/default/services';

let dir: string;
const started: Sandbox[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbctl-sandbox-k8s-svc-'));
});
afterEach(async () => {
  for (const s of started.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(opts: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ kubeconfigPath: join(dir, 'kc'), ...opts });
  started.push(sandbox);
  return sandbox;
}

it('starts with default/kubernetes shaped like a real API server Service', async () => {
  const sandbox = await start();
  const got = await call(sandbox.url, 'GET', `${SVCS}/kubernetes`);
  expect(got.status).toBe(200);
  expect(got.body['metadata']).toMatchObject({
    name: 'kubernetes',
    namespace: 'default',
    labels: { component: 'apiserver', provider: 'kubernetes' },
  });
  const spec = got.body['spec'] as Record<string, unknown>;
  expect(spec).toMatchObject({
    type: 'ClusterIP',
    clusterIP: '10.96.0.1',
    clusterIPs: ['10.96.0.1'],
    ipFamilyPolicy: 'SingleStack',
    sessionAffinity: 'None',
    ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }],
  });
  expect(spec['selector']).toBeUndefined();
});

it('never hands the API server address to another Service', async () => {
  const sandbox = await start();
  const clash = await call(sandbox.url, 'POST', SVCS, {
    body: { metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.1', ports: [{ port: 80 }] } },
  });
  expect(clash.status).toBe(422);
  expect(JSON.stringify(clash.body)).toContain('10.96.0.1');
});

it('takes the first usable address of the primary service CIDR', () => {
  const range = { min: 30000, max: 32767 };
  expect(apiServerClusterIP({ serviceCIDRs: ['10.96.0.0/12'], nodePortRange: range })).toBe(
    '10.96.0.1',
  );
  expect(
    apiServerClusterIP({ serviceCIDRs: ['fd00:10::/108', '10.0.0.0/16'], nodePortRange: range }),
  ).toBe('fd00:10::1');
});

it('uses the configured service CIDR', async () => {
  const sandbox = await start({
    layers: { serviceCIDRs: ['172.20.0.0/16'], nodePortRange: { min: 30000, max: 32767 } },
  });
  const got = await call(sandbox.url, 'GET', `${SVCS}/kubernetes`);
  expect((got.body['spec'] as { clusterIP: string }).clusterIP).toBe('172.20.0.1');
});

it('keeps the snapshot’s own kubernetes Service instead of creating a second one', async () => {
  const snapshotFile = join(dir, 'state.json');
  const first = await start({ snapshotFile });
  const before = await call(first.url, 'GET', `${SVCS}/kubernetes`);
  await first.close();
  started.splice(started.indexOf(first), 1);

  const second = await start({ snapshotFile });
  const after = await call(second.url, 'GET', `${SVCS}/kubernetes`);
  expect(after.body['metadata']).toEqual(before.body['metadata']);
  const list = await call(second.url, 'GET', SVCS);
  expect((list.body['items'] as unknown[]).length).toBe(1);
});

it('adds it to an older snapshot that lacks it', async () => {
  const snapshotFile = join(dir, 'state.json');
  const first = await start({ snapshotFile });
  await call(first.url, 'DELETE', `${SVCS}/kubernetes`);
  await first.close();
  started.splice(started.indexOf(first), 1);
  const saved = JSON.parse(await readFile(snapshotFile, 'utf8')) as {
    objects: { services?: unknown[] };
  };
  expect(saved.objects.services ?? []).toEqual([]);
  await writeFile(snapshotFile, JSON.stringify(saved));

  const second = await start({ snapshotFile });
  const got = await call(second.url, 'GET', `${SVCS}/kubernetes`);
  expect(got.status).toBe(200);
  expect((got.body['spec'] as { clusterIP: string }).clusterIP).toBe('10.96.0.1');
});
