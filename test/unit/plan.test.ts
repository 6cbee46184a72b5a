import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/plan.js';
import type { Resource } from '../../src/core/resource.js';
import {
  hasChanges,
  plan,
  PlanGraphError,
  simulateApply,
  summarize,
} from '../../src/plan/index.js';
import {
  lb,
  listener80,
  observedOf,
  observedStack,
  provider,
  res,
  service,
  stack,
  tg80,
} from './plan-fixtures.js';

const run = (desired: Resource[], observed: Resource[]): Plan =>
  plan({ service, provider, desired, observed });

const actions = (p: Plan): Record<string, string> =>
  Object.fromEntries(p.steps.map((s) => [s.address, s.action]));
const order = (p: Plan): string[] => p.order.map((a) => `${a.action} ${a.address}`);

function withAttrs(r: Resource, patch: Record<string, unknown>): Resource {
  return { ...r, attributes: { ...r.attributes, ...(patch as Resource['attributes']) } };
}

describe('plan: actions and reasons', () => {
  it('creates everything when nothing exists, dependencies first', () => {
    const p = run(stack, []);
    expect(actions(p)).toEqual({
      'lb.this': 'create',
      'listener.tcp-80': 'create',
      'tg.tcp-80': 'create',
    });
    expect(p.steps.map((s) => s.reason)).toEqual(Array(3).fill('not in the cloud yet'));
    expect(order(p)).toEqual(['create lb.this', 'create tg.tcp-80', 'create listener.tcp-80']);
    expect(p.steps[0]?.computed).toEqual(['arn', 'dns_name']);
  });

  it('deletes everything when desired is empty, dependents first', () => {
    const p = run([], observedStack);
    expect(Object.values(actions(p))).toEqual(['delete', 'delete', 'delete']);
    expect(p.steps[0]?.reason).toBe('no longer wanted by the Service');
    expect(order(p)).toEqual(['delete listener.tcp-80', 'delete lb.this', 'delete tg.tcp-80']);
  });

  it('is a no-op when observed matches, ignoring computed and extra observed attributes', () => {
    const observed = observedStack.map((r) =>
      r.type === 'tg'
        ? withAttrs(r, {
            deregistration_delay: 300,
            targets: ['i-3', 'i-1', 'i-2'],
            health_check: { protocol: 'TCP', port: 30080, interval: 10, timeout: 5 },
          })
        : r,
    );
    const p = run(stack, observed);
    expect(Object.values(actions(p))).toEqual(['no-op', 'no-op', 'no-op']);
    expect(p.order).toEqual([]);
    expect(hasChanges(p)).toBe(false);
  });

  it('treats null and absent as the same value', () => {
    const desired = [withAttrs(lb, { ip: null })];
    expect(actions(run(desired, [observedOf(lb)]))).toEqual({ 'lb.this': 'no-op' });
    const p = run(desired, [observedOf(lb, { ip: '1.2.3.4' })]);
    expect(p.steps[0]?.changes).toEqual([
      { path: 'ip', before: '1.2.3.4', after: null, forcesReplacement: false },
    ]);
  });

  it('compares a computed attribute only when the desired resource sets it', () => {
    const observed = [observedOf(lb, { dns_name: 'a1.elb.example' })];
    expect(actions(run([withAttrs(lb, { dns_name: null })], observed))).toEqual({
      'lb.this': 'no-op',
    });
    const p = run([withAttrs(lb, { dns_name: 'mine.example' })], observed);
    expect(p.steps[0]?.changes).toEqual([
      {
        path: 'dns_name',
        before: 'a1.elb.example',
        after: 'mine.example',
        forcesReplacement: false,
      },
    ]);
  });

  it('drops a reference that only the cloud still holds', () => {
    const desired = res('listener.tcp-80', { port: 80, load_balancer: 'lb.this' }, ['lb.this']);
    const p = run([lb, tg80, desired], observedStack);
    expect(p.steps.find((s) => s.address === 'listener.tcp-80')).toMatchObject({
      action: 'update',
      changes: [{ path: 'default_action.target_group', before: 'tg.tcp-80', after: null }],
    });
  });

  it('updates in place and names the changed paths', () => {
    const desired = [withAttrs(lb, { name: 'a2', idle: 5 })];
    const p = run(desired, [observedOf(lb)]);
    expect(p.steps[0]).toMatchObject({
      action: 'update',
      reason: 'idle and name changed',
      changes: [
        { path: 'idle', after: 5, forcesReplacement: false },
        { path: 'name', before: 'a1', after: 'a2', forcesReplacement: false },
      ],
      replacePaths: [],
    });
    expect(order(p)).toEqual(['update lb.this']);
  });

  it('diffs nested objects by dotted path', () => {
    const desired = [
      withAttrs(tg80, { health_check: { protocol: 'TCP', port: 30081, interval: 10 } }),
    ];
    const p = run(desired, [observedOf(tg80)]);
    expect(p.steps[0]).toMatchObject({
      action: 'update',
      reason: 'health_check.port changed',
      changes: [{ path: 'health_check.port', before: 30080, after: 30081 }],
    });
  });

  it('diffs member sets into add/remove deltas', () => {
    const desired = [withAttrs(tg80, { targets: ['i-1', 'i-4', 'i-5', 'i-1'] })];
    const p = run(desired, [observedOf(tg80)]);
    expect(p.steps[0]).toMatchObject({
      action: 'update',
      reason: 'targets changed: +2 −2',
      setDeltas: [{ path: 'targets', add: ['i-4', 'i-5'], remove: ['i-2', 'i-3'] }],
    });
  });

  it('gives the same set delta whatever order the cloud lists members in', () => {
    const desired = [withAttrs(tg80, { targets: ['i-1', 'i-4', 'i-5'] })];
    const sorted = run(desired, [observedOf(withAttrs(tg80, { targets: ['i-1', 'i-2', 'i-3'] }))]);
    const shuffled = run(desired, [
      observedOf(withAttrs(tg80, { targets: ['i-3', 'i-1', 'i-2'] })),
    ]);
    expect(sorted.steps[0]?.setDeltas).toEqual([
      { path: 'targets', add: ['i-4', 'i-5'], remove: ['i-2', 'i-3'] },
    ]);
    expect(shuffled.steps[0]?.setDeltas).toEqual(sorted.steps[0]?.setDeltas);
  });

  it('replaces on a forceNew change and records the forcing paths', () => {
    const desired = [withAttrs(lb, { scheme: 'internal', name: 'a2' })];
    const p = run(desired, [observedOf(lb)]);
    expect(p.steps[0]).toMatchObject({
      action: 'replace',
      reason: 'scheme changed: forces replacement',
      replacePaths: [['scheme']],
      changes: [
        { path: 'name', forcesReplacement: false },
        { path: 'scheme', before: 'external', after: 'internal', forcesReplacement: true },
      ],
    });
    expect(order(p)).toEqual(['delete lb.this', 'create lb.this']);
  });

  it('replaces on a nested forceNew path', () => {
    const desired = [
      withAttrs(tg80, { health_check: { protocol: 'HTTP', port: 30080, interval: 10 } }),
    ];
    const p = run(desired, [observedOf(tg80)]);
    expect(p.steps[0]?.replacePaths).toEqual([['health_check', 'protocol']]);
  });
});

describe('plan: replacement cascades and order', () => {
  it('replaces what references a replaced resource, deleting dependents first', () => {
    const desired = [withAttrs(lb, { scheme: 'internal' }), tg80, listener80];
    const p = run(desired, observedStack);
    expect(actions(p)).toEqual({
      'lb.this': 'replace',
      'listener.tcp-80': 'replace',
      'tg.tcp-80': 'no-op',
    });
    const l = p.steps.find((s) => s.address === 'listener.tcp-80');
    expect(l?.reason).toBe('replaced because lb.this is replaced');
    expect(l?.replacePaths).toEqual([['load_balancer']]);
    expect(order(p)).toEqual([
      'delete listener.tcp-80',
      'delete lb.this',
      'create lb.this',
      'create listener.tcp-80',
    ]);
    expect(summarize([p])).toEqual({ add: 2, change: 0, destroy: 2 });
  });

  it('does not replace a dependent that is being deleted', () => {
    const p = run([withAttrs(lb, { scheme: 'internal' }), tg80], observedStack);
    expect(actions(p)).toEqual({
      'lb.this': 'replace',
      'listener.tcp-80': 'delete',
      'tg.tcp-80': 'no-op',
    });
    expect(order(p)).toEqual(['delete listener.tcp-80', 'delete lb.this', 'create lb.this']);
  });

  it('replaces a resource that keeps depending on a replaced one', () => {
    const rule = res('rule.r', { cidrs: ['0.0.0.0/0'] }, ['tg.tcp-80']);
    const desired = [
      withAttrs(tg80, { protocol: 'UDP' }),
      withAttrs(rule, { cidrs: ['10.0.0.0/8'] }),
    ];
    const p = run(desired, [observedOf(tg80), observedOf(rule)]);
    expect(p.steps.find((s) => s.address === 'rule.r')).toMatchObject({
      action: 'replace',
      reason: 'replaced because tg.tcp-80 is replaced',
      setDeltas: [{ path: 'cidrs', add: ['10.0.0.0/8'], remove: ['0.0.0.0/0'] }],
    });
    expect(order(p)).toEqual([
      'delete rule.r',
      'delete tg.tcp-80',
      'create tg.tcp-80',
      'create rule.r',
    ]);
  });

  it('updates a dependent away from a resource before deleting it', () => {
    const tg81 = res('tg.tcp-81', { protocol: 'TCP', port: 30081, targets: ['i-1'] });
    const moved = withAttrs(listener80, { default_action: { target_group: 'tg.tcp-81' } });
    moved.dependsOn = ['lb.this', 'tg.tcp-81'];
    const p = run([lb, tg81, moved], observedStack);
    expect(actions(p)).toEqual({
      'lb.this': 'no-op',
      'listener.tcp-80': 'update',
      'tg.tcp-80': 'delete',
      'tg.tcp-81': 'create',
    });
    expect(order(p)).toEqual(['create tg.tcp-81', 'update listener.tcp-80', 'delete tg.tcp-80']);
  });

  it('replaces an update that cannot run between a delete and the create it waits for', () => {
    const b = res('tg.b', { protocol: 'TCP', targets: [] });
    const c = res('rule.c', { cidrs: [] }, ['tg.b']);
    const a = res('rule.a', { cidrs: ['10.0.0.0/8'] }, ['rule.c']);
    const observed = [observedOf(b), observedOf(res('rule.a', { cidrs: ['0.0.0.0/0'] }, ['tg.b']))];
    const p = run([withAttrs(b, { protocol: 'UDP' }), c, a], observed);
    expect(p.steps.find((s) => s.address === 'rule.a')).toMatchObject({
      action: 'replace',
      reason: 'replaced because tg.b is replaced',
    });
    expect(order(p)).toEqual([
      'delete rule.a',
      'delete tg.b',
      'create tg.b',
      'create rule.c',
      'create rule.a',
    ]);
  });

  it('orders deletes first among free actions, then by address', () => {
    const p = run(
      [res('rule.b', { cidrs: [] }), res('rule.a', { cidrs: [] })],
      [observedOf(res('rule.z', { cidrs: [] }))],
    );
    expect(order(p)).toEqual(['delete rule.z', 'create rule.a', 'create rule.b']);
  });

  it('is deterministic regardless of input order', () => {
    const desired = [withAttrs(lb, { scheme: 'internal' }), tg80, listener80];
    const a = run(desired, observedStack);
    const b = run([...desired].reverse(), [...observedStack].reverse());
    expect(b).toEqual(a);
  });
});

describe('plan: references', () => {
  it('orders by references as by dependsOn, and ignores references outside the graph', () => {
    const listener = res('listener.l', {
      load_balancer: 'lb.this',
      default_action: { target_group: 'arn:aws:elasticloadbalancing:external' },
    });
    const p = run([listener, lb], []);
    expect(order(p)).toEqual(['create lb.this', 'create listener.l']);
    expect(order(run([], [observedOf(listener), observedOf(lb)]))).toEqual([
      'delete listener.l',
      'delete lb.this',
    ]);
  });
});

describe('plan: bad graphs are clear errors', () => {
  it.each([
    [
      'a missing schema',
      [res('nope.x', {})],
      [],
      /provider test has no schema for resource type "nope" \(known types: lb, listener, rule, tg\)/,
    ],
    [
      'a dependency on a missing address',
      [res('rule.a', {}, ['lb.gone'])],
      [],
      /desired resource rule\.a depends on lb\.gone, which is not among the desired resources/,
    ],
    [
      'a dependency cycle',
      [res('rule.a', {}, ['rule.b']), res('rule.b', {}, ['rule.c']), res('rule.c', {}, ['rule.a'])],
      [],
      /dependency cycle in the desired resources: rule\.a -> rule\.b -> rule\.c -> rule\.a/,
    ],
    [
      'a cycle in observed',
      [],
      [res('rule.a', {}, ['rule.b']), res('rule.b', {}, ['rule.a'])],
      /dependency cycle in the observed resources: rule\.a -> rule\.b -> rule\.a/,
    ],
    ['a duplicate address', [res('rule.a', {}), res('rule.a', {})], [], /contain rule\.a twice/],
  ])('%s', (_name, desired, observed, message) => {
    expect(() => run(desired, observed)).toThrow(PlanGraphError);
    expect(() => run(desired, observed)).toThrow(message);
  });
});

describe('simulateApply', () => {
  it('gives a state that re-plans to no changes', () => {
    const desired = [withAttrs(lb, { scheme: 'internal' }), tg80, listener80];
    const state = simulateApply(run(desired, observedStack));
    expect(state.find((r) => r.type === 'lb')?.id).toBeUndefined();
    expect(hasChanges(run(desired, state))).toBe(false);
  });

  it('keeps ids and cloud defaults of updated resources', () => {
    const observed = [observedOf(tg80, { deregistration_delay: 300 })];
    const state = simulateApply(run([withAttrs(tg80, { port: 1 })], observed));
    expect(state[0]).toMatchObject({
      id: 'id-tg-tcp-80',
      attributes: { port: 1, deregistration_delay: 300, arn: 'arn:tg/tcp-80' },
    });
  });
});
