// Property tests of the planner over arbitrary desired/observed graphs (fast-check, fixed seed).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/plan.js';
import type { Attributes, Resource, SchemaSet, Value } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import { hasChanges, plan, simulateApply } from '../../src/plan/index.js';
import { service } from './plan-fixtures.js';

const schemas: SchemaSet = {
  a: { type: 'a', forceNew: ['kind'], sets: ['members'], computed: ['cid'], references: ['ref'] },
  b: {
    type: 'b',
    forceNew: ['cfg.q'],
    sets: ['tags'],
    computed: ['cfg.status'],
    references: ['parents'],
  },
};
const provider = { name: 'prop', schemas };
const POOL = ['a.0', 'a.1', 'a.2', 'a.3', 'b.0', 'b.1', 'b.2', 'b.3'];
const MEMBERS = ['m1', 'm2', 'm3', 'm4', 'm5'];

const seedArb = fc.record({
  kind: fc.constantFrom('x', 'y'),
  members: fc.subarray(MEMBERS),
  size: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  cfg: fc.option(fc.record({ p: fc.integer({ min: 0, max: 2 }), q: fc.constantFrom('u', 'v') }), {
    nil: undefined,
  }),
  depMask: fc.nat(255),
  refPick: fc.nat(9),
  copy: fc.boolean(),
  tweak: fc.constantFrom('none', 'none', 'extra', 'computed', 'shuffle', 'size', 'kind', 'cfg'),
});
type Seed = typeof seedArb extends fc.Arbitrary<infer T> ? T : never;

const graphArb = fc.record({
  order: fc.shuffledSubarray(POOL),
  seeds: fc.array(seedArb, { minLength: POOL.length, maxLength: POOL.length }),
});
type GraphSeed = typeof graphArb extends fc.Arbitrary<infer T> ? T : never;

function attributesFrom(type: string, s: Seed, refs: string[]): Attributes {
  const common: Attributes = { size: s.size, ...(s.cfg === undefined ? {} : { cfg: s.cfg }) };
  return type === 'a'
    ? {
        ...common,
        kind: s.kind,
        members: s.members,
        ...(refs[0] === undefined ? {} : { ref: refs[0] }),
      }
    : { ...common, tags: s.members, parents: refs };
}

/** An acyclic graph: dependencies and references only point at addresses earlier in `order`. */
function build(g: GraphSeed, copyFrom?: Map<string, Resource>): Resource[] {
  return g.order.map((address, i) => {
    const s = g.seeds[i] as Seed;
    const earlier = g.order.slice(0, i);
    const deps = earlier.filter((_, j) => (s.depMask >> j) & 1);
    const pick = s.refPick % (earlier.length + 2);
    // A reference to an earlier address, to an address outside the graph, or none.
    const refs =
      pick < earlier.length ? [earlier[pick] as string] : pick === earlier.length ? ['a.ext'] : [];
    const [type, name] = address.split('.') as [string, string];
    const source = copyFrom?.get(address);
    const attributes =
      source !== undefined && s.copy
        ? tweak(source.attributes, s, refs)
        : attributesFrom(type, s, refs);
    return { type, name, attributes, dependsOn: deps };
  });
}

/** Observed copies of desired resources, changed the ways clouds change them. */
function tweak(desired: Attributes, s: Seed, refs: string[]): Attributes {
  const out = structuredClone(desired);
  if ('ref' in out) out.ref = refs[0] ?? null;
  if ('parents' in out) out.parents = refs;
  switch (s.tweak) {
    case 'extra':
      out.cloud_default = 42;
      break;
    case 'computed':
      out.cid = 'cloud-id';
      if (
        out.cfg !== undefined &&
        out.cfg !== null &&
        typeof out.cfg === 'object' &&
        !Array.isArray(out.cfg)
      ) {
        out.cfg = { ...out.cfg, status: 'ready' };
      }
      break;
    case 'shuffle': {
      const set = (out.members ?? out.tags) as Value[] | undefined;
      if (set !== undefined) set.reverse();
      break;
    }
    case 'size':
      out.size = 7;
      break;
    case 'kind':
      out.kind = out.kind === 'x' ? 'y' : 'x';
      break;
    case 'cfg':
      out.cfg = { p: 9, q: 'w' };
      break;
  }
  return out;
}

const inputArb = fc
  .record({ desired: graphArb, observed: graphArb })
  .map(({ desired, observed }) => {
    const d = build(desired);
    const o = build(observed, new Map(d.map((r) => [addressOf(r), r]))).map((r) => ({
      ...r,
      id: `id-${addressOf(r)}`,
    }));
    return { desired: d, observed: o };
  });

const run = (desired: Resource[], observed: Resource[]): Plan =>
  plan({ service, provider, desired, observed });

/** dependsOn plus references to addresses of the same graph, recomputed independently. */
function depsOf(resources: Resource[]): Map<string, string[]> {
  const present = new Set(resources.map(addressOf));
  return new Map(
    resources.map((r) => {
      const refs = [r.attributes.ref, ...((r.attributes.parents as Value[] | undefined) ?? [])];
      const fromRefs = refs.filter((x): x is string => typeof x === 'string' && present.has(x));
      return [addressOf(r), [...r.dependsOn, ...fromRefs]];
    }),
  );
}

function checkOrder(p: Plan, desired: Resource[], observed: Resource[]): void {
  const pos = new Map(p.order.map((a, i) => [`${a.action} ${a.address}`, i]));
  expect(pos.size).toBe(p.order.length);
  const expected = p.steps.flatMap((s) =>
    s.action === 'replace'
      ? [`delete ${s.address}`, `create ${s.address}`]
      : s.action === 'no-op'
        ? []
        : [`${s.action} ${s.address}`],
  );
  expect([...pos.keys()].sort()).toEqual(expected.sort());
  const at = (k: string): number | undefined => pos.get(k);
  for (const s of p.steps) {
    if (s.action === 'replace') {
      expect(at(`delete ${s.address}`)).toBeLessThan(at(`create ${s.address}`) as number);
    }
  }
  for (const [address, deps] of depsOf(desired)) {
    const own = at(`create ${address}`) ?? at(`update ${address}`);
    if (own === undefined) continue;
    for (const dep of deps) {
      const created = at(`create ${dep}`);
      if (created !== undefined) expect(created, `${dep} before ${address}`).toBeLessThan(own);
    }
  }
  for (const [dependent, deps] of depsOf(observed)) {
    const released = at(`delete ${dependent}`) ?? at(`update ${dependent}`);
    if (released === undefined) continue;
    for (const dep of deps) {
      const deleted = at(`delete ${dep}`);
      if (deleted !== undefined)
        expect(released, `${dependent} before ${dep}`).toBeLessThan(deleted);
    }
  }
}

describe('plan properties', () => {
  const params = { seed: 20261121, numRuns: 600 };

  it('applying a plan and planning again gives no changes', () => {
    fc.assert(
      fc.property(inputArb, ({ desired, observed }) => {
        const state = simulateApply(run(desired, observed));
        const again = run(desired, state);
        expect(again.steps.filter((s) => s.action !== 'no-op')).toEqual([]);
        expect(hasChanges(again)).toBe(false);
      }),
      params,
    );
  });

  it('orders actions as promised: dependencies created first, dependents released before deletes', () => {
    fc.assert(
      fc.property(inputArb, ({ desired, observed }) => {
        checkOrder(run(desired, observed), desired, observed);
      }),
      params,
    );
  });

  it('never replaces or deletes a resource whose planned step does not say so', () => {
    fc.assert(
      fc.property(inputArb, ({ desired, observed }) => {
        const p = run(desired, observed);
        const inDesired = new Set(desired.map(addressOf));
        const inObserved = new Set(observed.map(addressOf));
        for (const s of p.steps) {
          if (s.action === 'create') expect(inObserved.has(s.address)).toBe(false);
          if (s.action === 'delete') expect(inDesired.has(s.address)).toBe(false);
          if (s.action === 'no-op' || s.action === 'update') {
            expect(s.changes.some((c) => c.forcesReplacement)).toBe(false);
          }
          expect(s.reason).not.toBe('');
        }
      }),
      params,
    );
  });

  it('replaces whatever references a replaced resource, unless it is deleted', () => {
    fc.assert(
      fc.property(inputArb, ({ desired, observed }) => {
        const p = run(desired, observed);
        const action = new Map(p.steps.map((s) => [s.address, s.action]));
        const refsOf = (r: Resource | undefined): Value[] =>
          r === undefined
            ? []
            : [r.attributes.ref ?? null, ...((r.attributes.parents as Value[] | undefined) ?? [])];
        for (const s of p.steps) {
          if (s.before === undefined || s.after === undefined) continue;
          for (const target of [...refsOf(s.before), ...refsOf(s.after)]) {
            if (typeof target === 'string' && action.get(target) === 'replace') {
              expect(s.action, `${s.address} references ${target}`).toBe('replace');
            }
          }
        }
      }),
      params,
    );
  });
});
