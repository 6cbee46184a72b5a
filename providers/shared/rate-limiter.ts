/**
 * A client-side, per-API-class token bucket that adapts to the cloud's throttling (AIMD):
 * a throttle halves the class's rate (multiplicative decrease) and pauses the class for the
 * cloud's Retry-After hint; every success adds a small step back (additive increase) until
 * the configured rate is reached again. Clouds publish limits per API class (AWS ELBv2:
 * describe, mutate and register calls are throttled separately), so one busy class never
 * starves the others.
 *
 * Waiting is by reservation (like Go's rate.Limiter): each acquire takes a token at once,
 * letting the bucket go negative, and sleeps for the deficit. Concurrent callers therefore
 * queue fairly without a lock, and the clock and sleep are injected so tests never wait.
 */

export interface ClassLimit {
  /** Sustained calls per second. */
  rate: number;
  /** Calls that may go out at once after a quiet period. */
  burst: number;
}

export interface RateLimiterOptions {
  /** Limits per API class, e.g. `{ describe: { rate: 10, burst: 20 }, mutate: { rate: 5, burst: 10 } }`. */
  classes: Readonly<Record<string, ClassLimit>>;
  /** Multiplier applied to a class's rate on each throttle; default 0.5. */
  decrease?: number;
  /** Share of the configured rate added back on each success; default 0.05 (20 successes to recover from one halving). */
  increase?: number;
  /** The rate never drops below this share of the configured rate; default 0.05. */
  floor?: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface RateLimiter {
  /** Waits until a call of this class may go out. Throws TypeError for an unknown class. */
  acquire(apiClass: string): Promise<void>;
  /** The cloud throttled a call of this class: slow down, and pause for `retryAfterMs` when given. */
  onThrottle(apiClass: string, retryAfterMs?: number): void;
  /** A call of this class succeeded: recover a little of the configured rate. */
  onSuccess(apiClass: string): void;
  /** The current rate of a class in calls per second (for tests and metrics). */
  rateOf(apiClass: string): number;
}

interface Bucket {
  readonly limit: ClassLimit;
  rate: number;
  tokens: number;
  updatedAt: number;
  /** No call of this class goes out before this time (a Retry-After hint). */
  pausedUntil: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const decrease = options.decrease ?? 0.5;
  const increase = options.increase ?? 0.05;
  const floor = options.floor ?? 0.05;
  checkShare('decrease', decrease, { allowOne: false });
  checkShare('increase', increase, { allowOne: true });
  checkShare('floor', floor, { allowOne: true });
  if (typeof options.now !== 'function' || typeof options.sleep !== 'function') {
    throw new TypeError('now and sleep must be functions');
  }
  const { now, sleep } = options;
  const buckets = new Map<string, Bucket>();
  for (const [name, limit] of Object.entries(options.classes)) {
    checkLimit(name, limit);
    buckets.set(name, {
      limit: { ...limit },
      rate: limit.rate,
      tokens: limit.burst,
      updatedAt: now(),
      pausedUntil: Number.NEGATIVE_INFINITY,
    });
  }
  if (buckets.size === 0) throw new TypeError('classes must name at least one API class');

  const bucketOf = (apiClass: string): Bucket => {
    const b = buckets.get(apiClass);
    if (b === undefined) {
      throw new TypeError(
        `unknown API class "${apiClass}"; configured: ${[...buckets.keys()].join(', ')}`,
      );
    }
    return b;
  };

  const refill = (b: Bucket, t: number): void => {
    const elapsedS = Math.max(0, t - b.updatedAt) / 1000;
    b.tokens = Math.min(b.limit.burst, b.tokens + elapsedS * b.rate);
    b.updatedAt = t;
  };

  return {
    async acquire(apiClass) {
      const b = bucketOf(apiClass);
      const t = now();
      refill(b, t);
      b.tokens -= 1;
      const waitForToken = b.tokens < 0 ? (-b.tokens / b.rate) * 1000 : 0;
      const waitForPause = Math.max(0, b.pausedUntil - t);
      const wait = Math.max(waitForToken, waitForPause);
      if (wait > 0) await sleep(Math.ceil(wait));
    },
    onThrottle(apiClass, retryAfterMs) {
      const b = bucketOf(apiClass);
      const t = now();
      refill(b, t);
      b.rate = Math.max(b.limit.rate * floor, b.rate * decrease);
      // Whatever burst was left is what got us throttled: start again from empty.
      b.tokens = Math.min(b.tokens, 0);
      if (retryAfterMs !== undefined && retryAfterMs > 0) {
        b.pausedUntil = Math.max(b.pausedUntil, t + retryAfterMs);
      }
    },
    onSuccess(apiClass) {
      const b = bucketOf(apiClass);
      refill(b, now());
      b.rate = Math.min(b.limit.rate, b.rate + b.limit.rate * increase);
    },
    rateOf(apiClass) {
      return bucketOf(apiClass).rate;
    },
  };
}

function checkLimit(name: string, limit: ClassLimit): void {
  if (typeof limit !== 'object' || limit === null) {
    throw new TypeError(`classes.${name} must be { rate, burst }`);
  }
  if (!(typeof limit.rate === 'number' && Number.isFinite(limit.rate) && limit.rate > 0)) {
    throw new TypeError(
      `classes.${name}.rate must be a positive finite number, got ${String(limit.rate)}`,
    );
  }
  if (!(Number.isInteger(limit.burst) && limit.burst >= 1)) {
    throw new TypeError(`classes.${name}.burst must be an integer ≥ 1, got ${String(limit.burst)}`);
  }
}

function checkShare(name: string, value: number, opts: { allowOne: boolean }): void {
  const ok = typeof value === 'number' && value > 0 && (opts.allowOne ? value <= 1 : value < 1);
  if (!ok) {
    throw new TypeError(
      `${name} must be a number in (0, 1${opts.allowOne ? ']' : ')'}, got ${String(value)}`,
    );
  }
}
