import { describe, expect, it } from 'vitest';

import { parseCIDR, parseIP } from '../../../src/layers/ip.js';

describe('parseIP', () => {
  const table: [string, string | undefined][] = [
    ['10.96.0.1', '10.96.0.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['010.0.0.1', undefined],
    ['10.0.1', undefined],
    ['10', undefined],
    ['0x0a.0.0.1', undefined],
    ['256.0.0.1', undefined],
    ['fe80::1%eth0', undefined],
    ['', undefined],
    ['example.com', undefined],
  ];
  for (const [input, expected] of table) {
    it(`${expected === undefined ? 'refuses' : 'reads'} ${JSON.stringify(input)}`, () => {
      expect(parseIP(input)?.text).toBe(expected);
    });
  }
});

describe('parseCIDR', () => {
  const table: [string, boolean, string | undefined][] = [
    ['10.96.0.0/12', true, '10.96.0.0/12'],
    ['10.96.0.1/12', false, '10.96.0.0/12'],
    ['10.96.0.1/12', true, undefined],
    ['0.0.0.0/0', true, '0.0.0.0/0'],
    ['192.168.1.1/32', true, '192.168.1.1/32'],
    ['10.0.0.0/33', false, undefined],
    ['fd00:10:96::/108', true, 'fd00:10:96::/108'],
    ['2001:DB8::1/32', false, '2001:db8::/32'],
    ['::/129', false, undefined],
    ['10.0.0.0', false, undefined],
    ['10.0.0.0/-1', false, undefined],
    ['10.0.0.0/8/8', false, undefined],
  ];
  for (const [input, strict, expected] of table) {
    it(`${expected === undefined ? 'refuses' : 'reads'} ${input}${strict ? ' (strict)' : ''}`, () => {
      expect(parseCIDR(input, strict)?.text).toBe(expected);
    });
  }

  it('counts the addresses of a range', () => {
    expect(parseCIDR('10.96.0.0/12')?.size).toBe(1n << 20n);
  });
});
