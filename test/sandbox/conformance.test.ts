import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Reply } from './http-support.js';
import { call, watchUntil } from './http-support.js';

/** The kube-apiserver 1.32 behaviours of docs/sandbox.md's conformance table, over HTTP. */

let sandbox: Sandbox;
const api = (method: string, path: string, opts: Parameters<typeof call>[3] = {}): Promise<Reply> =>
  call(sandbox.url, method, path, opts);
const SVCS = '/api/v1/namespaces/default/services';
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
const svc = (name: string, spec: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { ports: [{ port: 80 }], ...spec },
});
const lb = (name: string, spec: Record<string, unknown> = {}): Record<string, unknown> =>
  svc(name, { type: 'LoadBalancer', ...spec });
const merge = { contentType: 'application/merge-patch+json' };

beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

const causes = (r: Reply): unknown =>
  (r.body['details'] as { causes?: unknown[] } | undefined)?.causes;

async function status(name: string, ingress: unknown[]): Promise<Reply> {
  return api('PATCH', `${SVCS}/${name}/status`, {
    body: { status: { loadBalancer: { ingress } } },
    ...merge,
  });
}

describe('query parameters', () => {
  it.each(['True', 'TRUE', 'yes', '', 'true', '1'])('watch=%s is a watch', async (v) => {
    await api('POST', SVCS, { body: svc('web') });
    const events = await watchUntil(sandbox.url, `${SVCS}?watch=${v}`, (e) => e.length >= 1);
    expect(events[0]?.type).toBe('ADDED');
  });

  it.each(['False', 'FALSE', '0', 'false'])('watch=%s is a list', async (v) => {
    const r = await api('GET', `${SVCS}?watch=${v}`);
    expect(r.body['kind']).toBe('ServiceList');
  });
});

describe('Service status', () => {
  it('defaults ipMode to VIP when ip is set, and keeps Proxy', async () => {
    await api('POST', SVCS, { body: lb('web') });
    const r = await status('web', [
      { ip: '198.51.100.7' },
      { ip: '198.51.100.8', ipMode: 'Proxy' },
    ]);
    expect(r.status).toBe(200);
    expect((r.body['status'] as { loadBalancer: unknown }).loadBalancer).toEqual({
      ingress: [
        { ip: '198.51.100.7', ipMode: 'VIP' },
        { ip: '198.51.100.8', ipMode: 'Proxy' },
      ],
    });
  });

  it('refuses an IP as hostname, a bad ip, ipMode without ip and a bogus ipMode', async () => {
    await api('POST', SVCS, { body: lb('web') });
    const r = await status('web', [
      { hostname: '198.51.100.7' },
      { ip: 'not-an-ip' },
      { hostname: 'lb.example.com', ipMode: 'VIP' },
      { ip: '198.51.100.9', ipMode: 'Bogus' },
    ]);
    expect(r.status).toBe(422);
    expect(r.body['message']).toBe(
      'Service "web" is invalid: [' +
        'status.loadBalancer.ingress[0].hostname: Invalid value: "198.51.100.7": must be a DNS name, not an IP address, ' +
        'status.loadBalancer.ingress[1].ip: Invalid value: "not-an-ip": must be a valid IP address, ' +
        'status.loadBalancer.ingress[2].ipMode: Forbidden: may not be specified when `ip` is not set, ' +
        'status.loadBalancer.ingress[3].ipMode: Unsupported value: "Bogus": supported values: "Proxy", "VIP"]',
    );
    expect(causes(r)).toContainEqual({
      reason: 'FieldValueForbidden',
      message: 'Forbidden: may not be specified when `ip` is not set',
      field: 'status.loadBalancer.ingress[2].ipMode',
    });
    // Nothing was stored.
    const stored = await api('GET', `${SVCS}/web`);
    expect(stored.body['status']).toEqual({ loadBalancer: {} });
  });

  it('refuses ingress on a Service that is not a LoadBalancer', async () => {
    await api('POST', SVCS, { body: svc('web') });
    const r = await status('web', [{ ip: '198.51.100.7' }]);
    expect(r.status).toBe(422);
    expect(r.body['message']).toBe(
      'Service "web" is invalid: status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is \'LoadBalancer\'',
    );
  });

  it('validates ingress ports and conditions', async () => {
    await api('POST', SVCS, { body: lb('web') });
    const r = await api('PATCH', `${SVCS}/web/status`, {
      body: {
        status: {
          loadBalancer: {
            ingress: [{ ip: '198.51.100.7', ports: [{ port: 0, protocol: 'HTTP' }] }],
          },
          conditions: [{ type: 'Ready', status: 'Maybe', reason: 'x y' }],
        },
      },
      ...merge,
    });
    expect(r.status).toBe(422);
    const fields = (causes(r) as { field: string }[]).map((c) => c.field);
    expect(fields).toEqual([
      'status.loadBalancer.ingress[0].ports[0].port',
      'status.loadBalancer.ingress[0].ports[0].protocol',
      'status.conditions[0].status',
      'status.conditions[0].lastTransitionTime',
      'status.conditions[0].reason',
    ]);
  });
});

describe('Service spec and updates', () => {
  it('refuses LoadBalancer-only fields on a ClusterIP Service', async () => {
    const r = await api('POST', SVCS, {
      body: svc('web', {
        externalTrafficPolicy: 'Local',
        loadBalancerSourceRanges: ['10.0.0.0/8'],
        loadBalancerClass: 'example.com/lb',
      }),
    });
    expect(r.status).toBe(422);
    expect(r.body['message']).toBe(
      'Service "web" is invalid: [' +
        'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services, ' +
        "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer', " +
        "spec.loadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer']",
    );
  });

  it('refuses a loadBalancerClass that is not a qualified name', async () => {
    const r = await api('POST', SVCS, { body: lb('web', { loadBalancerClass: 'a/b/c' }) });
    expect(r.status).toBe(422);
    expect(causes(r)).toEqual([expect.objectContaining({ field: 'spec.loadBalancerClass' })]);
  });

  it('keeps loadBalancerClass immutable, and clears it with the type', async () => {
    await api('POST', SVCS, { body: lb('web', { loadBalancerClass: 'example.com/lb' }) });
    const changed = await api('PATCH', `${SVCS}/web`, {
      body: { spec: { loadBalancerClass: 'example.com/other' } },
      ...merge,
    });
    expect(changed.status).toBe(422);
    expect(changed.body['message']).toBe(
      'Service "web" is invalid: spec.loadBalancerClass: Invalid value: "example.com/other": may not change once set',
    );
    const toClusterIP = await api('PATCH', `${SVCS}/web`, {
      body: { spec: { type: 'ClusterIP' } },
      ...merge,
    });
    expect(toClusterIP.status).toBe(200);
    const spec = toClusterIP.body['spec'] as Record<string, unknown>;
    expect(spec['loadBalancerClass']).toBeUndefined();
    expect(spec['externalTrafficPolicy']).toBeUndefined();
    expect(spec['allocateLoadBalancerNodePorts']).toBeUndefined();
  });

  it('keeps healthCheckNodePort while the Service needs one', async () => {
    const a = await api('POST', SVCS, { body: lb('web', { externalTrafficPolicy: 'Local' }) });
    const hc = (a.body['spec'] as { healthCheckNodePort: number }).healthCheckNodePort;
    const moved = await api('PATCH', `${SVCS}/web`, {
      body: { spec: { healthCheckNodePort: hc === 32000 ? 32001 : 32000 } },
      ...merge,
    });
    expect(moved.status).toBe(422);
    expect(causes(moved)).toEqual([
      expect.objectContaining({
        field: 'spec.healthCheckNodePort',
        message: expect.stringContaining('field is immutable'),
      }),
    ]);
  });

  it('defaults sessionAffinityConfig for ClientIP and sets no generation', async () => {
    const r = await api('POST', SVCS, { body: svc('web', { sessionAffinity: 'ClientIP' }) });
    expect(r.status).toBe(201);
    expect((r.body['spec'] as Record<string, unknown>)['sessionAffinityConfig']).toEqual({
      clientIP: { timeoutSeconds: 10800 },
    });
    expect(r.body.metadata?.['generation']).toBeUndefined();
  });

  it('creates a missing Service on PUT, and is 404 when the PUT names a version', async () => {
    const created = await api('PUT', `${SVCS}/web`, { body: svc('web') });
    expect(created.status).toBe(201);
    expect((created.body['spec'] as { clusterIP: string }).clusterIP).toMatch(/^10\./);
    const stale = await api('PUT', `${SVCS}/gone`, {
      body: { ...svc('gone'), metadata: { name: 'gone', resourceVersion: '5' } },
    });
    expect(stale.status).toBe(404);
    const node = await api('PUT', '/api/v1/nodes/n1', {
      body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
    });
    expect(node.status).toBe(404);
  });
});

describe('Leases and Events', () => {
  const lease = (spec: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'lbctl' },
    spec,
  });

  it('normalises MicroTime fields to UTC with six digits', async () => {
    const r = await api('POST', LEASES, {
      body: lease({ holderIdentity: 'a', renewTime: '2026-01-02T03:04:05.123456+01:00' }),
    });
    expect(r.status).toBe(201);
    expect((r.body['spec'] as Record<string, unknown>)['renewTime']).toBe(
      '2026-01-02T02:04:05.123456Z',
    );
  });

  it('refuses a renewTime that is not a MicroTime, storing nothing', async () => {
    for (const bad of ['yesterday', '2026-01-02T03:04:05Z', '2026-13-02T03:04:05.000000Z']) {
      const r = await api('POST', LEASES, { body: lease({ renewTime: bad }) });
      expect(r.status).toBe(400);
      expect(r.body['message']).toMatch(
        new RegExp(
          `^Lease in version "v1" cannot be handled as a Lease: parsing time "${bad}" as "2006-01-02T15:04:05.000000Z07:00": `,
        ),
      );
    }
    const list = await api('GET', LEASES);
    expect(list.body['items']).toEqual([]);
  });

  it('validates lease durations', async () => {
    const r = await api('POST', LEASES, { body: lease({ leaseDurationSeconds: 0 }) });
    expect(r.status).toBe(422);
    expect(r.body['message']).toBe(
      'Lease "lbctl" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    );
  });

  it('refuses an Event about an object in another namespace', async () => {
    const r = await api('POST', '/api/v1/namespaces/default/events', {
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'e1' },
        involvedObject: { kind: 'Service', namespace: 'kube-system', name: 'web' },
        reason: 'Synced',
      },
    });
    expect(r.status).toBe(422);
    expect(r.body['message']).toBe(
      'Event "e1" is invalid: involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace',
    );
  });

  it('requires the events.k8s.io/v1 fields', async () => {
    const r = await api('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      body: { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e2' } },
    });
    expect(r.status).toBe(422);
    expect((causes(r) as { field: string }[]).map((c) => c.field)).toEqual([
      'eventTime',
      'type',
      'reportingController',
      'reportingInstance',
      'action',
      'reason',
    ]);
  });
});
