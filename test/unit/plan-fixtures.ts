// Synthetic resource types shaped like a network load balancer, for planner and render tests.
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { Attributes, Resource, SchemaSet } from '../../src/core/resource.js';

export const service: ServiceIdentity = { namespace: 'default', name: 'web', uid: 'uid-1' };

export const schemas: SchemaSet = {
  lb: { type: 'lb', forceNew: ['scheme'], sets: ['subnets'], computed: ['arn', 'dns_name'] },
  tg: {
    type: 'tg',
    forceNew: ['protocol', 'health_check.protocol'],
    sets: ['targets'],
    computed: ['arn'],
    references: [],
  },
  listener: {
    type: 'listener',
    forceNew: [],
    sets: [],
    computed: ['arn'],
    references: ['load_balancer', 'default_action.target_group'],
  },
  rule: { type: 'rule', forceNew: [], sets: ['cidrs'], computed: [] },
};

export const provider = { name: 'test', schemas };

export function res(address: string, attributes: Attributes, dependsOn: string[] = []): Resource {
  const dot = address.indexOf('.');
  return { type: address.slice(0, dot), name: address.slice(dot + 1), attributes, dependsOn };
}

/** A observed copy with an id and computed values, as a provider's observe returns it. */
export function observedOf(r: Resource, extra: Attributes = {}): Resource {
  return {
    ...r,
    id: `id-${r.type}-${r.name}`,
    attributes: { ...structuredClone(r.attributes), arn: `arn:${r.type}/${r.name}`, ...extra },
  };
}

export const lb = res('lb.this', { scheme: 'external', subnets: ['s-1', 's-2'], name: 'a1' });
export const tg80 = res(
  'tg.tcp-80',
  {
    protocol: 'TCP',
    port: 30080,
    targets: ['i-1', 'i-2', 'i-3'],
    health_check: { protocol: 'TCP', port: 30080, interval: 10 },
  },
  [],
);
export const listener80 = res(
  'listener.tcp-80',
  { port: 80, load_balancer: 'lb.this', default_action: { target_group: 'tg.tcp-80' } },
  ['lb.this', 'tg.tcp-80'],
);

export const stack: Resource[] = [lb, tg80, listener80];
export const observedStack: Resource[] = stack.map((r) =>
  observedOf(r, r.type === 'lb' ? { dns_name: 'a1.elb.example' } : {}),
);
