import { describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import { LbctlError, type ErrorKind } from '../../src/core/errors.js';
import { createCloudCaller, type CloudCallerOptions } from '../../providers/shared/index.js';
import { fakeTime } from './fake-time.js';

const describeOp = { operation: 'DescribeLoadBalancers', write: false, apiClass: 'describe' };
const createOp = { operation: 'CreateLoadBalancer', write: true, apiClass: 'mutate' };

class SdkError extends Error {
  constructor(
    readonly code: string,
    readonly retryAfterMs?: number,
  ) {
    super(code);
  }
}

const kinds: Record<string, ErrorKind> = {
  Throttling: 'throttled',
  ServiceUnavailable: 'transient',
  Provisioning: 'provisioning',
  Conflict: 'conflict',
  ValidationError: 'terminal',
  NotFound: 'not-found',
  Invalid: 'invalid',
  NotOwned: 'not-owned',
};

function setup(overrides: Partial<CloudCallerOptions> = {}) {
  const time = fakeTime();
  const calls = createCallLog();
  const classified: unknown[] = [];
  const call = createCloudCaller({
    provider: 'aws',
    calls,
    classify: (e) => {
      classified.push(e);
      if (e instanceof SdkError) {
        return new LbctlError(kinds[e.code] ?? 'terminal', e.code, {
          cause: e,
          ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
        });
      }
      return new LbctlError('terminal', String(e), { cause: e });
    },
    limiter: { classes: { describe: { rate: 10, burst: 100 }, mutate: { rate: 5, burst: 100 } } },
    retry: { retries: 4, minTimeoutMs: 100, maxTimeoutMs: 1_000, factor: 2 },
    sleep: time.sleep,
    now: time.now,
    random: () => 0.5,
    ...overrides,
  });
  return { call, calls, time, classified };
}

/** A function that fails with the given errors in turn, then returns `result`. */
function failing<T>(errors: unknown[], result: T) {
  let n = 0;
  const fn = () => {
    const e = errors[n++];
    return e === undefined ? Promise.resolve(result) : Promise.reject(e);
  };
  return { fn, attempts: () => n };
}

describe('createCloudCaller', () => {
  it('returns the result and records one ok call', async () => {
    const { call, calls } = setup();
    await expect(call(describeOp, () => Promise.resolve(42))).resolves.toBe(42);
    expect(calls.calls).toEqual([
      {
        provider: 'aws',
        operation: 'DescribeLoadBalancers',
        write: false,
        apiClass: 'describe',
        outcome: 'ok',
        durationMs: 0,
      },
    ]);
  });

  it('records the duration of each attempt from the injected clock', async () => {
    const { call, calls, time } = setup();
    await call(createOp, () => {
      time.advance(250);
      return Promise.resolve('done');
    });
    expect(calls.calls[0]?.durationMs).toBe(250);
    expect(calls.calls[0]?.write).toBe(true);
  });

  it.each(['ServiceUnavailable', 'Throttling', 'Provisioning', 'Conflict'])(
    'retries a %s error and succeeds',
    async (code) => {
      const { call, calls } = setup();
      const f = failing([new SdkError(code), new SdkError(code)], 'ok');
      await expect(call(describeOp, f.fn)).resolves.toBe('ok');
      expect(f.attempts()).toBe(3);
      expect(calls.count({ operation: 'DescribeLoadBalancers' })).toBe(3);
      expect(calls.count({ outcome: 'ok' })).toBe(1);
    },
  );

  it.each(['ValidationError', 'NotFound', 'Invalid', 'NotOwned'])(
    'stops at once on a %s error and throws the classified error with its cause',
    async (code) => {
      const { call, calls, time } = setup();
      const sdkError = new SdkError(code);
      const f = failing([sdkError], 'never');
      const thrown = await call(describeOp, f.fn).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(LbctlError);
      expect((thrown as LbctlError).kind).toBe(kinds[code]);
      expect((thrown as LbctlError).cause).toBe(sdkError);
      expect(f.attempts()).toBe(1);
      expect(calls.calls).toHaveLength(1);
      expect(time.sleeps).toEqual([]);
    },
  );

  it('records outcomes by error kind', async () => {
    const { call, calls } = setup();
    const f = failing(
      [
        new SdkError('Throttling'),
        new SdkError('ServiceUnavailable'),
        new SdkError('Provisioning'),
        new SdkError('Conflict'),
      ],
      'ok',
    );
    await call(describeOp, f.fn);
    expect(calls.calls.map((c) => c.outcome)).toEqual([
      'throttled',
      'transient',
      'transient',
      'conflict',
      'ok',
    ]);
    const g = failing([new SdkError('NotFound')], 'x');
    await expect(call(describeOp, g.fn)).rejects.toThrow('NotFound');
    const h = failing([new SdkError('ValidationError')], 'x');
    await expect(call(describeOp, h.fn)).rejects.toThrow('ValidationError');
    expect(calls.calls.slice(5).map((c) => c.outcome)).toEqual(['not-found', 'error']);
  });

  it('gives up after the configured retries and throws the last error', async () => {
    const { call, calls } = setup({
      retry: { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 100, factor: 2 },
    });
    const errors = [1, 2, 3, 4].map(() => new SdkError('ServiceUnavailable'));
    const f = failing(errors, 'never');
    const thrown = await call(describeOp, f.fn).catch((e: unknown) => e);
    expect((thrown as LbctlError).cause).toBe(errors[2]);
    expect(f.attempts()).toBe(3);
    expect(calls.count({ outcome: 'transient' })).toBe(3);
  });

  it('waits with exponential backoff and full jitter, capped at maxTimeoutMs', async () => {
    const randoms = [0.5, 0.25, 0.99, 0.5];
    const { call, time } = setup({ random: () => randoms.shift() ?? 0 });
    const errors = [1, 2, 3, 4].map(() => new SdkError('ServiceUnavailable'));
    await call(describeOp, failing(errors, 'ok').fn);
    // caps 100, 200, 400, 800 (max 1000); delay = random × cap
    expect(time.sleeps).toEqual([50, 50, 396, 400]);
  });

  it('does not wait after the last attempt', async () => {
    const { call, time } = setup({
      retry: { retries: 1, minTimeoutMs: 100, maxTimeoutMs: 100, factor: 1 },
    });
    const errors = [new SdkError('ServiceUnavailable'), new SdkError('ServiceUnavailable')];
    await expect(call(describeOp, failing(errors, 'x').fn)).rejects.toThrow();
    expect(time.sleeps).toEqual([50]);
  });

  it('honours a retryAfterMs hint longer than the backoff', async () => {
    const { call, time } = setup();
    await call(describeOp, failing([new SdkError('Throttling', 5_000)], 'ok').fn);
    expect(time.sleeps).toEqual([5_000]);
  });

  it('slows the throttled class down and leaves the others alone', async () => {
    const { call, time } = setup({
      limiter: {
        classes: { describe: { rate: 10, burst: 1 }, mutate: { rate: 10, burst: 1 } },
      },
      random: () => 0,
    });
    await call(describeOp, failing([new SdkError('Throttling')], 'ok').fn);
    // After a throttle the class rate is halved: the retry waited 1/5 s for a token.
    expect(time.sleeps).toEqual([200]);
    const start = time.sleeps.length;
    await call(createOp, () => Promise.resolve(1));
    expect(time.sleeps.slice(start)).toEqual([]);
  });

  it('passes LbctlErrors thrown by fn through without classifying them', async () => {
    const { call, classified } = setup();
    const own = new LbctlError('not-owned', 'aws_lb.this is foreign');
    await expect(call(describeOp, () => Promise.reject(own))).rejects.toBe(own);
    expect(classified).toEqual([]);
  });

  it('stops retrying when the signal aborts', async () => {
    const controller = new AbortController();
    const { call } = setup();
    let attempts = 0;
    const fn = () => {
      attempts += 1;
      controller.abort(new Error('shutting down'));
      return Promise.reject(new SdkError('ServiceUnavailable'));
    };
    await expect(call({ ...describeOp, signal: controller.signal }, fn)).rejects.toThrow(
      'shutting down',
    );
    expect(attempts).toBe(1);
  });

  it('fails fast on an unknown API class before calling', async () => {
    const { call, calls } = setup();
    let called = false;
    const fn = () => {
      called = true;
      return Promise.resolve(1);
    };
    await expect(call({ ...describeOp, apiClass: 'register' }, fn)).rejects.toThrow(TypeError);
    expect(called).toBe(false);
    expect(calls.calls).toEqual([]);
  });

  it.each<[string, Partial<CloudCallerOptions>, RegExp]>([
    ['retries', { retry: { retries: -1, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 1 } }, /retries/],
    ['factor', { retry: { retries: 1, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 0.5 } }, /factor/],
    [
      'maxTimeoutMs',
      { retry: { retries: 1, minTimeoutMs: 100, maxTimeoutMs: 10, factor: 2 } },
      /maxTimeoutMs must be a finite number ≥ minTimeoutMs/,
    ],
    ['classify', { classify: 'no' as unknown as CloudCallerOptions['classify'] }, /classify/],
    ['limiter', { limiter: { classes: { a: { rate: -1, burst: 1 } } } }, /classes\.a\.rate/],
    ['sleep', { sleep: 5 as unknown as (ms: number) => Promise<void> }, /sleep must be a function/],
  ])('rejects a bad %s with a TypeError', (_name, overrides, message) => {
    expect(() => setup(overrides)).toThrow(TypeError);
    expect(() => setup(overrides)).toThrow(message);
  });
});
