import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedInstanceIds, targetMember, targetMembers } from '../../providers/aws/targets.js';

// What desired.ts used to compute per listener; the one-sort-per-Service form must equal it.
const perListener = (ids: readonly string[], port: number): string[] =>
  [...new Set(ids.map((id) => targetMember(id, port)))].sort();

const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const instanceId = fc.oneof(hex(8), hex(17)).map((h) => `i-${h}`);

describe('target sets', () => {
  it('an 8-digit ID that prefixes a 17-digit one sorts as its member does, not as the bare ID', () => {
    const ids = ['i-0123456789abcdef0', 'i-01234567', 'i-0123456700000000a'];
    expect([...ids].sort()[0]).toBe('i-01234567');
    expect(targetMembers(sortedInstanceIds(ids), 30080)).toEqual(perListener(ids, 30080));
    expect(targetMembers(sortedInstanceIds(ids), 30080)).toEqual([
      'i-0123456700000000a:30080',
      'i-0123456789abcdef0:30080',
      'i-01234567:30080',
    ]);
  });

  it('duplicates are dropped once for every port', () => {
    expect(targetMembers(sortedInstanceIds(['i-0000000b', 'i-0000000a', 'i-0000000b']), 1)).toEqual(
      ['i-0000000a:1', 'i-0000000b:1'],
    );
  });

  it('equals a per-listener dedupe and sort for any IDs and ports', () => {
    fc.assert(
      fc.property(
        fc.array(instanceId, { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 5 }),
        (ids, ports) => {
          const sorted = sortedInstanceIds(ids);
          for (const port of ports)
            expect(targetMembers(sorted, port)).toEqual(perListener(ids, port));
        },
      ),
    );
  });
});
