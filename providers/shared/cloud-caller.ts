import pRetry, { AbortError } from 'p-retry';
import { LbctlError } from '../../src/core/errors.js';
import type { CallLog, CallOutcome, ProviderName } from '../../src/core/provider.js';
import { createRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limiter.js';

/** One cloud API call as the caller sees it. */
export interface CloudOperation {
  /** The cloud API's operation name, recorded in the CallLog (`CreateLoadBalancer`, `forwardingRules.insert`). */
  operation: string;
  /** Whether the call changes anything in the cloud. */
  write: boolean;
  /** The rate-limit class the call belongs to (`describe`, `mutate`, `register`, ...). */
  apiClass: string;
  /** Stops retrying (and waiting) when aborted. */
  signal?: AbortSignal;
}

export interface RetryOptions {
  /** Retries after the first attempt; 0 means a single attempt. */
  retries: number;
  /** The backoff cap of the first retry; each retry multiplies it by `factor` up to `maxTimeoutMs`. */
  minTimeoutMs: number;
  maxTimeoutMs: number;
  factor: number;
}

export interface CloudCallerOptions {
  provider: ProviderName;
  calls: CallLog;
  /**
   * Turns whatever the SDK threw into an LbctlError whose kind decides the retry. Must not throw.
   * An LbctlError thrown by `fn` itself is passed through unchanged without calling classify.
   */
  classify: (error: unknown) => LbctlError;
  /** Per-class limits (the caller builds an adaptive limiter with its clock), or a limiter to share between callers. */
  limiter: Omit<RateLimiterOptions, 'now' | 'sleep'> | RateLimiter;
  retry: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
  /** Returns a number in [0, 1); drives the jitter. */
  random?: () => number;
  /** Milliseconds, monotonic; used for durations and the limiter. */
  now?: () => number;
}

export type CloudCall = <T>(op: CloudOperation, fn: () => Promise<T>) => Promise<T>;

/**
 * The one way a provider talks to its cloud: every attempt waits for its API class's rate
 * limiter, is classified into an LbctlError, recorded in the CallLog with outcome and
 * duration, and retried with exponential backoff and full jitter while its kind is
 * retryable (transient, throttled, provisioning, conflict). Terminal kinds (invalid,
 * not-owned, terminal, not-found) end at once. A throttle slows its class down, and a
 * Retry-After hint (`retryAfterMs`) is honoured before the next attempt.
 */
export function createCloudCaller(options: CloudCallerOptions): CloudCall {
  checkOptions(options);
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const limiter = isLimiter(options.limiter)
    ? options.limiter
    : createRateLimiter({ ...options.limiter, now, sleep });
  const { calls, classify, provider, retry } = options;

  /** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform in [0, cap). */
  const backoffMs = (retryNumber: number): number =>
    random() * Math.min(retry.maxTimeoutMs, retry.minTimeoutMs * retry.factor ** (retryNumber - 1));

  return async function call<T>(op: CloudOperation, fn: () => Promise<T>): Promise<T> {
    if (typeof op.operation !== 'string' || op.operation === '') {
      throw new TypeError('operation must be a non-empty string');
    }
    limiter.rateOf(op.apiClass); // unknown classes fail before any call is made
    let waitBeforeNext = 0;
    let retryNumber = 0;
    const attempt = async (): Promise<T> => {
      if (waitBeforeNext > 0) await sleep(waitBeforeNext);
      op.signal?.throwIfAborted();
      await limiter.acquire(op.apiClass);
      const started = now();
      try {
        const result = await fn();
        calls.record({
          provider,
          operation: op.operation,
          write: op.write,
          apiClass: op.apiClass,
          outcome: 'ok',
          durationMs: now() - started,
        });
        limiter.onSuccess(op.apiClass);
        return result;
      } catch (raw) {
        const error = raw instanceof LbctlError ? raw : classify(raw);
        calls.record({
          provider,
          operation: op.operation,
          write: op.write,
          apiClass: op.apiClass,
          outcome: outcomeOf(error),
          durationMs: now() - started,
          message: error.message.split('\n')[0] ?? '',
        });
        if (error.kind === 'throttled') limiter.onThrottle(op.apiClass, error.retryAfterMs);
        if (!error.retryable) throw new AbortError(error);
        retryNumber += 1;
        waitBeforeNext = Math.max(backoffMs(retryNumber), error.retryAfterMs ?? 0);
        throw error;
      }
    };
    // Delays are ours (injectable, jittered, hint-aware), so p-retry's own timer stays at zero.
    return pRetry(attempt, {
      retries: retry.retries,
      minTimeout: 0,
      maxTimeout: 0,
      ...(op.signal === undefined ? {} : { signal: op.signal }),
    });
  };
}

function outcomeOf(error: LbctlError): CallOutcome {
  switch (error.kind) {
    case 'throttled':
      return 'throttled';
    case 'transient':
    case 'provisioning':
      return 'transient';
    case 'not-found':
      return 'not-found';
    case 'conflict':
      return 'conflict';
    default:
      return 'error';
  }
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

const isLimiter = (l: CloudCallerOptions['limiter']): l is RateLimiter =>
  typeof (l as Partial<RateLimiter>).acquire === 'function';

function checkOptions(o: CloudCallerOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError('options must be an object');
  if (typeof o.provider !== 'string' || (o.provider as string) === '') {
    throw new TypeError('provider must be a provider name');
  }
  if (typeof o.calls?.record !== 'function') throw new TypeError('calls must be a CallLog');
  if (typeof o.classify !== 'function') throw new TypeError('classify must be a function');
  if (typeof o.limiter !== 'object' || o.limiter === null) {
    throw new TypeError('limiter must be { classes } or a RateLimiter');
  }
  for (const name of ['sleep', 'random', 'now'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'function') {
      throw new TypeError(`${name} must be a function`);
    }
  }
  const r = o.retry;
  if (typeof r !== 'object' || r === null) {
    throw new TypeError('retry must be { retries, minTimeoutMs, maxTimeoutMs, factor }');
  }
  if (!Number.isInteger(r.retries) || r.retries < 0) {
    throw new TypeError(`retry.retries must be a non-negative integer, got ${String(r.retries)}`);
  }
  if (!isFiniteAtLeast(r.minTimeoutMs, 0)) {
    throw new TypeError(
      `retry.minTimeoutMs must be a finite number ≥ 0, got ${String(r.minTimeoutMs)}`,
    );
  }
  if (!isFiniteAtLeast(r.maxTimeoutMs, r.minTimeoutMs)) {
    throw new TypeError(
      `retry.maxTimeoutMs must be a finite number ≥ minTimeoutMs (${String(r.minTimeoutMs)}), got ${String(r.maxTimeoutMs)}`,
    );
  }
  if (!isFiniteAtLeast(r.factor, 1)) {
    throw new TypeError(`retry.factor must be a finite number ≥ 1, got ${String(r.factor)}`);
  }
}

const isFiniteAtLeast = (v: unknown, min: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min;
