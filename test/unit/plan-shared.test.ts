// settleShared: a shared object goes only when every Service on it goes in the same plan.
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../src/core/resource.js';
import { settleShared } from '../../src/plan/shared.js';
import { observedOf, res } from './plan-fixtures.js';

const lb = res('lb.shared', { name: 'kubernetes' });
const child = (holder: string) =>
  observedOf(res(`rule.${holder}`, { name: holder }, ['lb.shared']));
const marked = (holder: string, others: string[]): Resource => ({
  ...observedOf(lb),
  shared: { holder, others },
});
const addresses = (rs: Resource[][]) => rs.map((r) => r.map((x) => `${x.type}.${x.name}`));

describe('settleShared', () => {
  it('every user lets go: each keeps the object (the plans delete it), markers removed', () => {
    const out = settleShared([
      { desired: [], observed: [marked('a', ['b']), child('a')] },
      { desired: [], observed: [marked('b', ['a']), child('b')] },
    ]);
    expect(addresses(out)).toEqual([
      ['lb.shared', 'rule.a'],
      ['lb.shared', 'rule.b'],
    ]);
    expect(out.flat().some((r) => r.shared !== undefined)).toBe(false);
    expect(out[0]?.[1]?.dependsOn).toEqual(['lb.shared']);
  });

  it('a user outside the plan keeps it: dropped, and nothing depends on it any more', () => {
    const out = settleShared([{ desired: [], observed: [marked('a', ['c']), child('a')] }]);
    expect(addresses(out)).toEqual([['rule.a']]);
    expect(out[0]?.[0]?.dependsOn).toEqual([]);
  });

  it('a user of the plan that still wants it keeps it', () => {
    const out = settleShared([
      { desired: [], observed: [marked('a', ['b']), child('a')] },
      { desired: [lb], observed: [observedOf(lb), child('b')] },
    ]);
    expect(addresses(out)).toEqual([['rule.a'], ['lb.shared', 'rule.b']]);
  });

  it('only users of the same object count: another load balancer of the same address does not', () => {
    const other = { ...marked('b', ['a']), attributes: { name: 'kubernetes-internal' } };
    const out = settleShared([
      { desired: [], observed: [marked('a', ['b'])] },
      { desired: [], observed: [other] },
    ]);
    expect(addresses(out)).toEqual([[], []]);
  });
});
