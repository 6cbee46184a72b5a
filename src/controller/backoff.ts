/**
 * Per-key exponential backoff for failed reconciles: 5 s, 10 s, 20 s … capped at 300 s, like
 * the Kubernetes service controller's. `forget` starts a key over after a success.
 */
export interface Backoff {
  /** The delay before the next attempt of `key`; each call counts one more failure. */
  next(key: string): number;
  forget(key: string): void;
  failures(key: string): number;
}

export function createBackoff(options: { baseMs?: number; maxMs?: number } = {}): Backoff {
  const baseMs = options.baseMs ?? 5_000;
  const maxMs = options.maxMs ?? 300_000;
  if (!(baseMs > 0) || !(maxMs >= baseMs)) {
    throw new TypeError(`backoff needs 0 < baseMs <= maxMs, got ${baseMs} and ${maxMs}`);
  }
  const failures = new Map<string, number>();
  return {
    next(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      return Math.min(maxMs, baseMs * 2 ** Math.min(n, 30));
    },
    forget(key) {
      failures.delete(key);
    },
    failures: (key) => failures.get(key) ?? 0,
  };
}
