import { describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import type { Node, Service } from '../../src/core/k8s.js';
import { addressOf } from '../../src/core/resource.js';
import { planService, prepareService } from '../../src/pipeline/index.js';
import { memoryProviderModule } from '../cli/memory-provider.js';

const node = (name: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: { providerID: `kind://docker/demo/${name}` },
  status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] },
});

const svc = (
  overrides: Partial<Service['spec']> = {},
  meta: Partial<Service['metadata']> = {},
): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', uid: 'u-1', ...meta },
  spec: {
    type: 'LoadBalancer',
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    ipFamilies: ['IPv4'],
    selector: { app: 'web' },
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
    ...overrides,
  },
});

const setup = () => {
  const mem = memoryProviderModule();
  const settings = { clusterName: 'demo', values: {}, env: {} };
  return {
    mem,
    model: mem.module.model(settings),
    provider: mem.module.connect(settings, { calls: createCallLog() }),
  };
};

const base = { nodes: [node('a'), node('b')], clusterName: 'demo', mode: 'allocated' as const };

describe('planService', () => {
  it('with a model only: nothing observed, everything created', async () => {
    const { model } = setup();
    const r = await planService({ ...base, service: svc(), model });
    expect(r.intent?.listeners.map((l) => l.port)).toEqual([80]);
    expect(r.desired.map(addressOf).sort()).toEqual(['mem_lb.this', 'mem_listener.http']);
    expect(r.observed).toEqual([]);
    expect(r.plan.steps.map((s) => s.action)).toEqual(['create', 'create']);
    expect(r.plan.order.map((o) => o.address)).toEqual(['mem_lb.this', 'mem_listener.http']);
  });

  it('observes through the provider, and the given observed set wins over it', async () => {
    const { model, provider: connecting } = setup();
    const provider = await connecting;
    const first = await planService({ ...base, service: svc(), provider });
    expect(first.observed).toEqual([]);
    const withSnapshot = await planService({
      ...base,
      service: svc(),
      provider,
      observed: first.desired.map((r, i) => ({ ...r, id: `x-${i}` })),
    });
    expect(withSnapshot.plan.steps.map((s) => s.action)).toEqual(['no-op', 'no-op']);
    const offline = await planService({ ...base, service: svc(), model, observed: [] });
    expect(offline.plan.order).toHaveLength(2);
  });

  it.each<[string, Service]>([
    ['type changed to ClusterIP', svc({ type: 'ClusterIP' })],
    ['being deleted', svc({}, { deletionTimestamp: '2026-11-21T10:00:00Z' })],
  ])('plans the deletion of everything observed for a Service %s', async (_why, service) => {
    const { model } = setup();
    const desired = prepareService({ ...base, service: svc(), model }).desired;
    const observed = desired.map((r, i) => ({ ...r, id: `x-${i}` }));
    const r = await planService({ ...base, service, model, observed });
    expect(r.intent).toBeUndefined();
    expect(r.desired).toEqual([]);
    expect(r.plan.order).toEqual([
      { address: 'mem_listener.http', action: 'delete' },
      { address: 'mem_lb.this', action: 'delete' },
    ]);
  });

  it('plans the deletion of everything with destroy, whatever the Service asks for', () => {
    const { model } = setup();
    const p = prepareService({ ...base, service: svc(), model, destroy: true });
    expect(p).toEqual({
      service: { namespace: 'default', name: 'web', uid: 'u-1' },
      intent: undefined,
      desired: [],
      refused: [],
      allowsReplacement: false,
    });
  });

  it('verifies the layers in verify mode and fails on a missing nodePort', () => {
    const { model } = setup();
    const service = svc({ ports: [{ name: 'http', protocol: 'TCP', port: 80 }] });
    expect(() => prepareService({ ...base, mode: 'verify', service, model })).toThrow(/nodePort/);
  });
});
