import type { CallLog, CallRecord } from './provider.js';

/**
 * A call log that keeps exact totals forever and the most recent records for inspection,
 * so a controller that runs for months holds a bounded amount of memory.
 */
export function createCallLog(options: { keep?: number } = {}): CallLog & {
  onRecord(listener: (call: CallRecord) => void): void;
} {
  const keep = options.keep ?? 10_000;
  if (!Number.isInteger(keep) || keep < 0) {
    throw new TypeError(`keep must be a non-negative integer, got ${String(options.keep)}`);
  }
  let recent: CallRecord[] = [];
  const totals = new Map<string, number>();
  const listeners: ((call: CallRecord) => void)[] = [];
  const totalKey = (c: Pick<CallRecord, 'operation' | 'write' | 'outcome'>) =>
    `${c.operation}\u0000${c.write}\u0000${c.outcome}`;

  return {
    record(call) {
      totals.set(totalKey(call), (totals.get(totalKey(call)) ?? 0) + 1);
      recent.push(call);
      if (recent.length > keep) recent = recent.slice(recent.length - keep);
      for (const l of listeners) l(call);
    },
    get calls() {
      return recent;
    },
    count(filter = {}) {
      let n = 0;
      for (const [key, value] of totals) {
        const [operation, write, outcome] = key.split('\u0000');
        if (filter.operation !== undefined && filter.operation !== operation) continue;
        if (filter.write !== undefined && String(filter.write) !== write) continue;
        if (filter.outcome !== undefined && filter.outcome !== outcome) continue;
        n += value;
      }
      return n;
    },
    reset() {
      recent = [];
      totals.clear();
    },
    onRecord(listener) {
      listeners.push(listener);
    },
  };
}
