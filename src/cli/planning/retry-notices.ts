import type { CallRecord } from '../../core/provider.js';

/**
 * A line on stderr the first time an operation fails and is retried, so that a CLI user facing
 * an unreachable endpoint or a throttled account sees why nothing happens for a while (the
 * retries, with backoff, can take half a minute). Once per operation: no flood.
 */
export function retryNotices(
  onRecord: (listener: (call: CallRecord) => void) => void,
  notice: (line: string) => void,
): void {
  const seen = new Set<string>();
  onRecord((call) => {
    if (call.outcome !== 'transient' && call.outcome !== 'throttled') return;
    const key = `${call.provider} ${call.operation}`;
    if (seen.has(key)) return;
    seen.add(key);
    const why = call.message === undefined || call.message === '' ? call.outcome : call.message;
    notice(`Warning: ${key} failed (${why}); retrying with backoff`);
  });
}
