import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/cli/planning/parallel.js';

/** A task whose completion the test controls, to observe how many run at once. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('mapLimit', () => {
  it('keeps input order in the results', async () => {
    const out = await mapLimit([3, 1, 2], 2, (n) => Promise.resolve(n * 10));
    expect(out).toEqual([30, 10, 20]);
  });

  it('never runs more than the limit at once', async () => {
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const run = mapLimit(gates, 2, async (g, i) => {
      started.push(i);
      await g.promise;
      return i;
    });
    await tick();
    expect(started).toEqual([0, 1]);
    gates[1]!.open();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await run).toEqual([0, 1, 2, 3]);
  });

  it('starts nothing new after a failure, lets in-flight work finish, throws the first error', async () => {
    const slow = gate();
    const started: number[] = [];
    const later: unknown[] = [];
    const run = mapLimit(
      [0, 1, 2, 3],
      2,
      async (i) => {
        started.push(i);
        if (i === 0) throw new Error('first');
        await slow.promise;
        throw new Error('second');
      },
      (e) => later.push(e),
    );
    await tick();
    slow.open();
    await expect(run).rejects.toThrow('first');
    expect(started).toEqual([0, 1]);
    expect(later.map((e) => (e as Error).message)).toEqual(['second']);
  });

  it('rejects a bad limit with a TypeError', async () => {
    await expect(mapLimit([1], 0, () => Promise.resolve(1))).rejects.toThrow(TypeError);
  });
});
