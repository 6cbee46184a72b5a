import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../src/controller/backoff.js';
import { WorkQueue } from '../../src/controller/queue.js';
import { ManualClock } from './support/clock.js';

describe('WorkQueue', () => {
  it('de-duplicates keys that are waiting', async () => {
    const q = new WorkQueue(new ManualClock());
    q.add('a/x');
    q.add('a/x');
    q.add('a/y');
    expect(q.depth()).toEqual({ high: 2, low: 0 });
    expect((await q.get())?.key).toBe('a/x');
    expect((await q.get())?.key).toBe('a/y');
    expect(q.depth()).toEqual({ high: 0, low: 0 });
  });

  it('never hands a key to two workers: an add during processing waits for done', async () => {
    const q = new WorkQueue(new ManualClock());
    q.add('a/x');
    const first = await q.get();
    q.add('a/x');
    let second: string | undefined;
    void q.get().then((i) => (second = i?.key));
    await new Promise((r) => setImmediate(r));
    expect(second).toBeUndefined();
    q.done(first?.key ?? '');
    await new Promise((r) => setImmediate(r));
    expect(second).toBe('a/x');
  });

  it('serves high before low, and promotes a waiting low key', async () => {
    const q = new WorkQueue(new ManualClock());
    q.add('v/1', 'low');
    q.add('v/2', 'low');
    q.add('n/new', 'high');
    q.add('v/2', 'high');
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.get())?.key);
    expect(order).toEqual(['n/new', 'v/2', 'v/1']);
  });

  it('addAfter fires at the earliest requested time only', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue(clock);
    q.addAfter('a/x', 10_000);
    q.addAfter('a/x', 5_000);
    q.addAfter('a/x', 20_000);
    await clock.advance(4_999);
    expect(q.depth().high).toBe(0);
    await clock.advance(1);
    expect(q.depth().high).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('reports how long a key waited', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue(clock);
    q.add('a/x');
    await clock.advance(250);
    expect(await q.get()).toEqual({ key: 'a/x', priority: 'high', waitedMs: 250 });
  });

  it('shutDown releases waiting workers with undefined', async () => {
    const q = new WorkQueue(new ManualClock());
    const pending = q.get();
    q.shutDown();
    expect(await pending).toBeUndefined();
  });
});

describe('backoff', () => {
  it('doubles from 5 s and caps at 300 s; forget starts over', () => {
    const b = createBackoff();
    const delays = Array.from({ length: 9 }, () => b.next('a/x'));
    expect(delays).toEqual([5e3, 10e3, 20e3, 40e3, 80e3, 160e3, 300e3, 300e3, 300e3]);
    expect(b.next('a/y')).toBe(5e3);
    b.forget('a/x');
    expect(b.next('a/x')).toBe(5e3);
  });

  it('rejects nonsense options', () => {
    expect(() => createBackoff({ baseMs: 0 })).toThrow(TypeError);
  });
});
