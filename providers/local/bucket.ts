/**
 * A token bucket as clouds apply it to API calls: `burst` tokens, refilled at `perSecond`.
 * Time is injected so tests and benchmarks control it.
 */
export interface TokenBucket {
  /** Takes a token; when none is left, returns how long until one is (ms). */
  take(): { ok: true } | { ok: false; retryAfterMs: number };
}

export function createTokenBucket(options: {
  perSecond: number;
  burst: number;
  now: () => number;
}): TokenBucket {
  const { perSecond, burst, now } = options;
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) {
    throw new TypeError(`perSecond must be a positive number, got ${String(perSecond)}`);
  }
  if (!Number.isInteger(burst) || burst < 1) {
    throw new TypeError(`burst must be an integer >= 1, got ${String(burst)}`);
  }
  let tokens = burst;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens >= 1) {
        tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil(((1 - tokens) / perSecond) * 1000) };
    },
  };
}
