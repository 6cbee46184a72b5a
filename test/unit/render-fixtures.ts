// Synthetic plans for the render goldens: one per kind of change, plus mixed Services.
import type { Plan } from '../../src/core/plan.js';
import type { Attributes, Resource } from '../../src/core/resource.js';
import { plan } from '../../src/plan/index.js';
import {
  lb,
  listener80,
  observedOf,
  observedStack,
  provider,
  res,
  service,
  tg80,
} from './plan-fixtures.js';

const tags = { 'kubernetes.io/cluster/demo': 'owned', 'kubernetes.io/service-name': 'default/web' };
const withAttrs = (r: Resource, patch: Attributes): Resource => ({
  ...r,
  attributes: { ...r.attributes, ...patch },
});
const svc = (name: string) => ({ ...service, name, uid: `uid-${name}` });

const tagged = [withAttrs(lb, { tags }), tg80, listener80];
const observedTagged = observedStack.map((r) => (r.type === 'lb' ? withAttrs(r, { tags }) : r));

/** Nested sets, nested computed and forceNew paths, and a plain list. */
const nestedProvider = {
  name: 'nested',
  schemas: {
    b: {
      type: 'b',
      forceNew: ['cfg.q'],
      sets: ['cfg.members'],
      computed: ['cfg.status', 'id'],
    },
  },
};
const nested = res('b.one', { cfg: { p: 1, q: 'u', members: ['a', 'b'] }, list: [1, 2] });
const nestedObserved: Resource = {
  ...nested,
  id: 'X',
  attributes: { id: 'X', cfg: { p: 1, q: 'v', status: 'ok', members: ['b', 'c'] }, list: [1, 3] },
};

export const scenarios: Record<string, () => Plan[]> = {
  'nested-create': () => [
    plan({ service, provider: nestedProvider, desired: [nested], observed: [] }),
  ],
  'nested-replace': () => [
    plan({ service, provider: nestedProvider, desired: [nested], observed: [nestedObserved] }),
  ],
  'create-all': () => [plan({ service, provider, desired: tagged, observed: [] })],
  'destroy-all': () => [plan({ service, provider, desired: [], observed: observedTagged })],
  'update-in-place': () => [
    plan({
      service,
      provider,
      desired: [
        withAttrs(lb, { tags: { ...tags, team: 'payments' }, idle_timeout: 350 }),
        withAttrs(tg80, {
          targets: ['i-1', 'i-3', 'i-4', 'i-5'],
          health_check: { protocol: 'TCP', port: 30080, interval: 30 },
        }),
        withAttrs(listener80, { port: 8080, default_action: null }),
      ],
      observed: observedTagged,
    }),
  ],
  'replace-cascade': () => [
    plan({
      service,
      provider,
      desired: [withAttrs(lb, { tags, scheme: 'internal' }), tg80, listener80],
      observed: observedTagged,
    }),
  ],
  'no-changes': () => [
    plan({ service, provider, desired: tagged, observed: observedTagged }),
    plan({ service: svc('api'), provider, desired: [], observed: [] }),
  ],
  'mixed-services': () => [
    plan({ service, provider, desired: tagged, observed: observedTagged }),
    plan({
      service: svc('api'),
      provider,
      desired: [
        withAttrs(tg80, {
          protocol: 'UDP',
          health_check: { protocol: 'TCP', port: 30080, interval: 10 },
        }),
        res('rule.sources', { cidrs: ['10.0.0.0/8', '192.168.0.0/16'] }),
      ],
      observed: [observedOf(tg80), observedOf(res('rule.old', { cidrs: ['0.0.0.0/0'] }))],
    }),
  ],
};
