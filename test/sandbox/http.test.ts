import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Reply } from './http-support.js';
import { call, openWatch, watchUntil } from './http-support.js';

let sandbox: Sandbox;
const api = (method: string, path: string, opts: Parameters<typeof call>[3] = {}): Promise<Reply> =>
  call(sandbox.url, method, path, opts);
const SVCS = '/api/v1/namespaces/default/services';
const svc = (name: string, spec: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { ports: [{ port: 80 }], ...spec },
});

beforeEach(async () => {
  sandbox = await startSandbox({ historyLimit: 5, bookmarkIntervalMs: 20 });
});
afterEach(async () => {
  await sandbox.close();
});

const expectStatus = (r: Reply, code: number, reason: string): void => {
  expect({
    status: r.status,
    kind: r.body['kind'],
    code: r.body['code'],
    reason: r.body['reason'],
  }).toEqual({
    status: code,
    kind: 'Status',
    code,
    reason,
  });
};

describe('bad requests get Status errors, never a crash', () => {
  it('answers an unknown resource, group and path with 404 NotFound', async () => {
    for (const path of [
      '/api/v1/namespaces/default/widgets',
      '/apis/example.com/v1/things',
      '/nope',
      '/api/v2/services',
    ]) {
      const r = await api('GET', path);
      expectStatus(r, 404, 'NotFound');
      expect(r.body['message']).toBe('the server could not find the requested resource');
    }
  });

  it('answers malformed JSON with 400 BadRequest', async () => {
    const r = await api('POST', SVCS, { body: '{"metadata": {', contentType: 'application/json' });
    expectStatus(r, 400, 'BadRequest');
    expect(String(r.body['message'])).toContain('could not be decoded');
  });

  it('answers a patch with an unknown content type with 415 UnsupportedMediaType', async () => {
    await api('POST', SVCS, { body: svc('web') });
    const r = await api('PATCH', `${SVCS}/web`, {
      body: { spec: {} },
      contentType: 'application/json',
    });
    expectStatus(r, 415, 'UnsupportedMediaType');
    expect(String(r.body['message'])).toContain('application/merge-patch+json');
  });

  it('refuses an unknown field under fieldValidation=Strict and drops it with a warning otherwise', async () => {
    const body = svc('web', { bogus: true });
    const strict = await api('POST', `${SVCS}?fieldValidation=Strict`, { body });
    expectStatus(strict, 400, 'BadRequest');
    expect(strict.body['message']).toBe('strict decoding error: unknown field "spec.bogus"');
    const warn = await api('POST', SVCS, { body });
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec.bogus\\""');
    expect(warn.body['spec']).not.toHaveProperty('bogus');
  });

  it('refuses a field of the wrong type with 400', async () => {
    const r = await api('POST', SVCS, { body: svc('web', { ports: [{ port: 'eighty' }] }) });
    expectStatus(r, 400, 'BadRequest');
    expect(String(r.body['message'])).toContain('spec.ports[0].port');
  });

  it('refuses a verb a path does not serve with 405', async () => {
    expectStatus(await api('PUT', SVCS, { body: svc('web') }), 405, 'MethodNotAllowed');
    expectStatus(
      await api('POST', '/api/v1/services', { body: svc('web') }),
      405,
      'MethodNotAllowed',
    );
  });

  it('refuses an invalid name and an invalid Service with 422 Invalid and causes', async () => {
    const name = await api('POST', SVCS, { body: svc('Bad_Name') });
    expectStatus(name, 422, 'Invalid');
    expect(String(name.body['message'])).toMatch(
      /^Service "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a DNS-1035 label/,
    );
    const port = await api('POST', SVCS, {
      body: svc('web', { type: 'NodePort', ports: [{ port: 80, nodePort: 29999 }] }),
    });
    expectStatus(port, 422, 'Invalid');
    expect(port.body['details']).toEqual({
      name: 'web',
      kind: 'Service',
      causes: [
        {
          reason: 'FieldValueInvalid',
          message:
            'Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767',
          field: 'spec.ports[0].nodePort',
        },
      ],
    });
  });

  it('refuses invalid label keys and values with 422 on create and update', async () => {
    const bad = await api('POST', SVCS, {
      body: { ...svc('web'), metadata: { name: 'web', labels: { 'bad key': 'x' } } },
    });
    expectStatus(bad, 422, 'Invalid');
    expect(String(bad.body['message'])).toMatch(
      /^Service "web" is invalid: metadata.labels: Invalid value: "bad key": name part must consist/,
    );
    await api('POST', SVCS, { body: svc('web') });
    const update = await api('PATCH', `${SVCS}/web`, {
      body: { metadata: { labels: { tier: 'not ok' } } },
      contentType: 'application/merge-patch+json',
    });
    expectStatus(update, 422, 'Invalid');
  });

  it('answers a stale create, a missing object and a missing namespace like the API server', async () => {
    expectStatus(
      await api('POST', SVCS, {
        body: { ...svc('web'), metadata: { name: 'web', resourceVersion: '3' } },
      }),
      400,
      'BadRequest',
    );
    const missing = await api('GET', `${SVCS}/nothing`);
    expectStatus(missing, 404, 'NotFound');
    expect(missing.body['message']).toBe('services "nothing" not found');
    const ns = await api('POST', '/api/v1/namespaces/nowhere/services', { body: svc('web') });
    expectStatus(ns, 404, 'NotFound');
    expect(ns.body['message']).toBe('namespaces "nowhere" not found');
    await api('POST', SVCS, { body: svc('web') });
    expectStatus(await api('POST', SVCS, { body: svc('web') }), 409, 'AlreadyExists');
  });

  it('keeps serving after every bad request', async () => {
    expect((await api('GET', '/version')).body['gitVersion']).toBe('v1.32.0');
  });
});

describe('object semantics', () => {
  it('takes a new resourceVersion on every write but not on a no-op update', async () => {
    const a = await api('POST', SVCS, { body: svc('web') });
    const rv1 = Number(a.body.metadata?.['resourceVersion']);
    const same = await api('PUT', `${SVCS}/web`, { body: a.body });
    expect(same.body.metadata?.['resourceVersion']).toBe(String(rv1));
    const labelled = await api('PATCH', `${SVCS}/web`, {
      body: { metadata: { labels: { a: 'b' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(Number(labelled.body.metadata?.['resourceVersion'])).toBe(rv1 + 1);
    // Services carry no metadata.generation (kube-apiserver's Service strategy sets none).
    expect(labelled.body.metadata?.['generation']).toBeUndefined();
    const specChange = await api('PATCH', `${SVCS}/web`, {
      body: { spec: { sessionAffinity: 'ClientIP' } },
      contentType: 'application/merge-patch+json',
    });
    expect(specChange.body.metadata?.['generation']).toBeUndefined();
    expect((specChange.body['spec'] as Record<string, unknown>)['sessionAffinityConfig']).toEqual({
      clientIP: { timeoutSeconds: 10800 },
    });
    expect(specChange.body.metadata?.['uid']).toBe(a.body.metadata?.['uid']);
    expect(specChange.body.metadata?.['creationTimestamp']).toBe(
      a.body.metadata?.['creationTimestamp'],
    );
  });

  it('deletes with finalizers in two steps and refuses new finalizers meanwhile', async () => {
    await api('POST', SVCS, {
      body: { ...svc('web'), metadata: { name: 'web', finalizers: ['a/b'] } },
    });
    const del = await api('DELETE', `${SVCS}/web`);
    expect(del.status).toBe(200);
    expect(del.body.metadata?.['deletionTimestamp']).toEqual(expect.any(String));
    const more = await api('PATCH', `${SVCS}/web`, {
      body: { metadata: { finalizers: ['a/b', 'c/d'] } },
      contentType: 'application/merge-patch+json',
    });
    expectStatus(more, 422, 'Invalid');
    const done = await api('PATCH', `${SVCS}/web`, {
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
      contentType: 'application/json-patch+json',
    });
    expect(done.status).toBe(200);
    expectStatus(await api('GET', `${SVCS}/web`), 404, 'NotFound');
  });

  it('releases nodePorts on delete and on a type change', async () => {
    await api('POST', SVCS, {
      body: svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30008 }] }),
    });
    await api('DELETE', `${SVCS}/a`);
    expect(
      (
        await api('POST', SVCS, {
          body: svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30008 }] }),
        })
      ).status,
    ).toBe(201);
    const toClusterIP = await api('PATCH', `${SVCS}/b`, {
      body: { spec: { type: 'ClusterIP' } },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(toClusterIP.status).toBe(200);
    expect((toClusterIP.body['spec'] as { ports: unknown[] }).ports).toEqual([
      { port: 80, protocol: 'TCP', targetPort: 80 },
    ]);
    expect(
      (
        await api('POST', SVCS, {
          body: svc('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 30008 }] }),
        })
      ).status,
    ).toBe(201);
  });

  it('allocates nothing on dryRun=All', async () => {
    const np = (name: string, nodePort: number): Record<string, unknown> =>
      svc(name, { type: 'NodePort', ports: [{ port: 80, nodePort }] });
    const dry = await api('POST', `${SVCS}?dryRun=All`, { body: np('a', 30008) });
    expect(dry.status).toBe(201);
    expectStatus(await api('GET', `${SVCS}/a`), 404, 'NotFound');
    expect((await api('POST', SVCS, { body: np('b', 30008) })).status).toBe(201);
    const rv = sandbox.store.resourceVersion;
    const dryUpdate = await api('PATCH', `${SVCS}/b?dryRun=All`, {
      body: [{ op: 'replace', path: '/spec/ports/0/nodePort', value: 30009 }],
      contentType: 'application/json-patch+json',
    });
    expect((dryUpdate.body['spec'] as { ports: { nodePort: number }[] }).ports[0]?.nodePort).toBe(
      30009,
    );
    expect(sandbox.store.resourceVersion).toBe(rv);
    expectStatus(await api('POST', SVCS, { body: np('c', 30008) }), 422, 'Invalid');
    expect((await api('POST', SVCS, { body: np('d', 30009) })).status).toBe(201);
  });

  it('allocates a healthCheckNodePort for externalTrafficPolicy Local and keeps headless None', async () => {
    const local = await api('POST', SVCS, {
      body: svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }),
    });
    expect(
      (local.body['spec'] as { healthCheckNodePort: number }).healthCheckNodePort,
    ).toBeGreaterThanOrEqual(30000);
    const headless = await api('POST', SVCS, { body: svc('hl', { clusterIP: 'None' }) });
    expect((headless.body['spec'] as { clusterIP: string }).clusterIP).toBe('None');
  });

  it('merges Service ports by port with a strategic merge patch and its directives', async () => {
    await api('POST', SVCS, {
      body: svc('web', {
        ports: [
          { port: 80, name: 'http' },
          { port: 443, name: 'https' },
        ],
      }),
    });
    const r = await api('PATCH', `${SVCS}/web`, {
      body: {
        spec: {
          ports: [
            { port: 443, targetPort: 8443 },
            { $patch: 'delete', port: 80 },
          ],
        },
      },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect((r.body['spec'] as { ports: unknown[] }).ports).toEqual([
      { port: 443, name: 'https', protocol: 'TCP', targetPort: 8443 },
    ]);
  });

  it('lists with label and field selectors, and pages with limit and continue', async () => {
    for (const [name, type, tier] of [
      ['a', 'ClusterIP', 'x'],
      ['b', 'NodePort', 'y'],
      ['c', 'LoadBalancer', 'x'],
    ] as const) {
      await api('POST', SVCS, {
        body: { ...svc(name, { type }), metadata: { name, labels: { tier } } },
      });
    }
    const names = (r: Reply): unknown[] =>
      (r.body['items'] as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    expect(names(await api('GET', `${SVCS}?labelSelector=tier%3Dx`))).toEqual(['a', 'c']);
    expect(names(await api('GET', `/api/v1/services?labelSelector=tier+in+(y)`))).toEqual(['b']);
    expect(names(await api('GET', `${SVCS}?fieldSelector=spec.type%3DLoadBalancer`))).toEqual([
      'c',
    ]);
    // `kubernetes` is the API server's own Service, there from the start.
    expect(names(await api('GET', `${SVCS}?fieldSelector=metadata.name!%3Da`))).toEqual([
      'b',
      'c',
      'kubernetes',
    ]);
    expectStatus(await api('GET', `${SVCS}?fieldSelector=spec.ports%3D1`), 400, 'BadRequest');
    const page1 = await api('GET', `${SVCS}?limit=2`);
    expect(names(page1)).toEqual(['a', 'b']);
    const page2 = await api(
      'GET',
      `${SVCS}?limit=2&continue=${String(page1.body.metadata?.['continue'])}`,
    );
    expect(names(page2)).toEqual(['c', 'kubernetes']);
  });

  it('serves core events as events.k8s.io/v1 events too', async () => {
    await api('POST', '/api/v1/namespaces/default/events', {
      body: {
        metadata: { name: 'e1' },
        involvedObject: { kind: 'Service', name: 'web', namespace: 'default' },
        message: 'hello',
        reason: 'R',
        type: 'Normal',
      },
    });
    const v1 = await api('GET', '/apis/events.k8s.io/v1/namespaces/default/events/e1');
    expect(v1.body).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      note: 'hello',
      regarding: { kind: 'Service', name: 'web' },
    });
    const sel = await api(
      'GET',
      '/api/v1/events?fieldSelector=involvedObject.name%3Dweb,involvedObject.kind%3DService',
    );
    expect((sel.body['items'] as unknown[]).length).toBe(1);
  });

  it('deletes a namespace with what is in it, and protects default', async () => {
    expect(
      (await api('POST', '/api/v1/namespaces', { body: { metadata: { name: 'team' } } })).status,
    ).toBe(201);
    await api('POST', '/api/v1/namespaces/team/services', { body: svc('web') });
    await api('POST', '/apis/coordination.k8s.io/v1/namespaces/team/leases', {
      body: { metadata: { name: 'l' }, spec: { holderIdentity: 'me' } },
    });
    expect((await api('DELETE', '/api/v1/namespaces/team')).status).toBe(200);
    expectStatus(await api('GET', '/api/v1/namespaces/team'), 404, 'NotFound');
    expectStatus(await api('GET', '/api/v1/namespaces/team/services/web'), 404, 'NotFound');
    expectStatus(await api('DELETE', '/api/v1/namespaces/default'), 403, 'Forbidden');
  });
});

describe('watch', () => {
  it('answers a too old resourceVersion with an ERROR 410 Expired event', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await api('POST', SVCS, { body: svc(n) });
    const events = await watchUntil(
      sandbox.url,
      `${SVCS}?watch=true&resourceVersion=1`,
      (e) => e.length >= 1,
    );
    expect(events[0]?.type).toBe('ERROR');
    expect(events[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('replays from a resourceVersion, then streams, with BOOKMARKs when allowed', async () => {
    const a = await api('POST', SVCS, { body: svc('a') });
    const rv = String(a.body.metadata?.['resourceVersion']);
    await api('POST', SVCS, { body: svc('b') });
    const w = await openWatch(
      sandbox.url,
      `${SVCS}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`,
    );
    await api('DELETE', `${SVCS}/b`);
    const events = await w.next(3);
    w.close();
    expect(events.slice(0, 2).map((e) => [e.type, e.object.metadata['name']])).toEqual([
      ['ADDED', 'b'],
      ['DELETED', 'b'],
    ]);
    expect(events[2]?.type).toBe('BOOKMARK');
    expect(events[2]?.object.metadata['resourceVersion']).toBe(
      String(sandbox.store.resourceVersion),
    );
  });

  it('reports objects leaving a label selection as DELETED', async () => {
    await api('POST', SVCS, { body: { ...svc('a'), metadata: { name: 'a', labels: { x: '1' } } } });
    const w = await openWatch(sandbox.url, `${SVCS}?watch=1&labelSelector=x%3D1`);
    await api('PATCH', `${SVCS}/a`, {
      body: { metadata: { labels: { x: '2' } } },
      contentType: 'application/merge-patch+json',
    });
    const events = await w.next(2);
    w.close();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });
});

describe('discovery and OpenAPI', () => {
  it('lists core resources with verbs, short names and the status subresource', async () => {
    const list = await api('GET', '/api/v1');
    const resources = list.body['resources'] as {
      name: string;
      shortNames?: string[];
      verbs: string[];
    }[];
    expect(resources.find((r) => r.name === 'services')).toMatchObject({
      shortNames: ['svc'],
      verbs: expect.arrayContaining(['watch', 'patch']),
    });
    expect(resources.map((r) => r.name)).toEqual([
      'services',
      'services/status',
      'nodes',
      'nodes/status',
      'namespaces',
      'namespaces/status',
      'events',
      'serviceaccounts',
    ]);
    const groups = (await api('GET', '/apis')).body['groups'] as { name: string }[];
    expect(groups.map((g) => g.name)).toEqual([
      'events.k8s.io',
      'discovery.k8s.io',
      'coordination.k8s.io',
      'rbac.authorization.k8s.io',
      'apps',
      'policy',
      'authorization.k8s.io',
      'authentication.k8s.io',
    ]);
  });

  it('serves an OpenAPI v3 index and documents with group-version-kinds', async () => {
    const index = (await api('GET', '/openapi/v3')).body['paths'] as Record<
      string,
      { serverRelativeURL: string }
    >;
    expect(Object.keys(index)).toContain('api/v1');
    const doc = await api('GET', index['api/v1']?.serverRelativeURL ?? '');
    const schemas = (doc.body['components'] as { schemas: Record<string, unknown> }).schemas;
    expect(schemas['io.k8s.api.core.v1.Service']).toMatchObject({
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Service', version: 'v1' }],
    });
    const v2 = await fetch(`${sandbox.url}/openapi/v2`);
    expect(v2.status).toBe(200);
    expect(v2.headers.get('content-type')).toBe(
      'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    );
    // A gnostic Document: field 1 (swagger) is "2.0".
    expect(Buffer.from(await v2.arrayBuffer()).subarray(0, 5)).toEqual(
      Buffer.from([10, 3, 50, 46, 48]),
    );
  });
});

describe('YAML request bodies', () => {
  it('are read like kube-apiserver reads them (go-yaml scalars) and a deeply nested one is a 400, not an abort', async () => {
    const yaml = `apiVersion: v1
kind: Service
metadata: { name: yaml-body, namespace: default, annotations: { enabled: "yes" } }
spec: { ports: [{ port: 80 }] }
`;
    const ok = await call(sandbox.url, 'POST', '/api/v1/namespaces/default/services', {
      body: yaml,
      contentType: 'application/yaml',
    });
    expect(ok.status).toBe(201);
    const deep = `apiVersion: v1\nkind: Service\nmetadata: { name: deep, annotations: ${'['.repeat(3000)}${']'.repeat(3000)} }\nspec: { ports: [{ port: 80 }] }\n`;
    const refused = await call(sandbox.url, 'POST', '/api/v1/namespaces/default/services', {
      body: deep,
      contentType: 'application/yaml',
    });
    expect(refused.status).toBe(400);
    expect(String(refused.body['message'])).toContain('nesting deeper than');
    const alive = await call(sandbox.url, 'GET', '/api/v1/namespaces/default/services/yaml-body');
    expect(alive.status).toBe(200);
  });
});
