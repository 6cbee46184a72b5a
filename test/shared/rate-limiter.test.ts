import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../providers/shared/index.js';
import { fakeTime } from './fake-time.js';

const limiterWith = (time: ReturnType<typeof fakeTime>, extra: object = {}) =>
  createRateLimiter({
    classes: { describe: { rate: 10, burst: 2 }, mutate: { rate: 2, burst: 1 } },
    now: time.now,
    sleep: time.sleep,
    ...extra,
  });

describe('createRateLimiter', () => {
  it('lets a burst through without waiting', async () => {
    const time = fakeTime();
    const limiter = limiterWith(time);
    await limiter.acquire('describe');
    await limiter.acquire('describe');
    expect(time.sleeps).toEqual([]);
  });

  it('spaces calls at the configured rate once the burst is spent', async () => {
    const time = fakeTime();
    const limiter = limiterWith(time);
    for (let i = 0; i < 5; i++) await limiter.acquire('describe');
    // burst 2, then one token every 100 ms at 10/s
    expect(time.sleeps).toEqual([100, 100, 100]);
    expect(time.now()).toBe(300);
  });

  it('refills tokens with elapsed time up to the burst', async () => {
    const time = fakeTime();
    const limiter = limiterWith(time);
    await limiter.acquire('describe');
    await limiter.acquire('describe');
    time.advance(10_000);
    await limiter.acquire('describe');
    await limiter.acquire('describe');
    await limiter.acquire('describe');
    expect(time.sleeps).toEqual([100]);
  });

  it('queues concurrent callers by reservation', async () => {
    const time = fakeTime();
    const limiter = createRateLimiter({
      classes: { mutate: { rate: 2, burst: 1 } },
      now: time.now,
      sleep: (ms) => {
        time.sleeps.push(ms); // concurrent waits: record, do not advance
        return Promise.resolve();
      },
    });
    await Promise.all([
      limiter.acquire('mutate'),
      limiter.acquire('mutate'),
      limiter.acquire('mutate'),
    ]);
    expect(time.sleeps).toEqual([500, 1000]);
  });

  it('keeps classes independent', async () => {
    const time = fakeTime();
    const limiter = limiterWith(time);
    await limiter.acquire('mutate');
    await limiter.acquire('describe');
    expect(time.sleeps).toEqual([]);
  });

  it('halves the rate on a throttle and recovers additively on success', () => {
    const time = fakeTime();
    const limiter = limiterWith(time, { increase: 0.1 });
    limiter.onThrottle('describe');
    expect(limiter.rateOf('describe')).toBe(5);
    limiter.onThrottle('describe');
    expect(limiter.rateOf('describe')).toBe(2.5);
    limiter.onSuccess('describe');
    expect(limiter.rateOf('describe')).toBeCloseTo(3.5);
    for (let i = 0; i < 100; i++) limiter.onSuccess('describe');
    expect(limiter.rateOf('describe')).toBe(10);
  });

  it('never drops below the floor', () => {
    const limiter = limiterWith(fakeTime(), { floor: 0.2 });
    for (let i = 0; i < 20; i++) limiter.onThrottle('describe');
    expect(limiter.rateOf('describe')).toBe(2);
  });

  it('pauses a class for the Retry-After hint', async () => {
    const time = fakeTime();
    const limiter = limiterWith(time);
    limiter.onThrottle('describe', 3_000);
    await limiter.acquire('describe');
    expect(time.sleeps).toEqual([3_000]);
    await limiter.acquire('mutate');
    expect(time.sleeps).toEqual([3_000]);
  });

  it('fails fast on an unknown class', async () => {
    const limiter = limiterWith(fakeTime());
    await expect(limiter.acquire('register')).rejects.toThrow(
      /unknown API class "register"; configured: describe, mutate/,
    );
  });

  it.each([
    [{ classes: {} }, /at least one/],
    [{ classes: { a: { rate: 0, burst: 1 } } }, /classes\.a\.rate must be a positive/],
    [{ classes: { a: { rate: 1, burst: 0.5 } } }, /classes\.a\.burst must be an integer/],
    [{ classes: { a: { rate: 1, burst: 1 } }, decrease: 1 }, /decrease must be a number in/],
    [{ classes: { a: { rate: 1, burst: 1 } }, increase: 0 }, /increase must be/],
  ])('rejects bad options %o with a TypeError', (options, message) => {
    const time = fakeTime();
    expect(() => createRateLimiter({ now: time.now, sleep: time.sleep, ...options })).toThrow(
      TypeError,
    );
    expect(() => createRateLimiter({ now: time.now, sleep: time.sleep, ...options })).toThrow(
      message,
    );
  });
});
