import { LbctlError } from '../../src/core/errors.js';

/**
 * Addresses the in-memory cloud hands out, lowest free first: the three documentation ranges
 * (RFC 5737), then the benchmarking range 198.18.0.0/15 (RFC 2544). None is ever contacted.
 */
const RANGES: readonly (readonly [number, number])[] = [
  [ip('192.0.2.1'), ip('192.0.2.254')],
  [ip('198.51.100.1'), ip('198.51.100.254')],
  [ip('203.0.113.1'), ip('203.0.113.254')],
  [ip('198.18.0.1'), ip('198.19.255.254')],
];

export interface AddressPool {
  /** The requested address when it is in the pool and free, else the lowest free one. */
  allocate(requested?: string): string;
  release(address: string): void;
}

export function createAddressPool(): AddressPool {
  const used = new Set<number>();
  return {
    allocate(requested) {
      if (requested !== undefined) {
        const n = ip(requested);
        if (!RANGES.some(([lo, hi]) => n >= lo && n <= hi)) {
          throw new LbctlError(
            'terminal',
            `requested address ${requested} is not in the local cloud's pool (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 198.18.0.0/15)`,
          );
        }
        if (used.has(n))
          throw new LbctlError('terminal', `requested address ${requested} is in use`);
        used.add(n);
        return requested;
      }
      for (const [lo, hi] of RANGES) {
        for (let n = lo; n <= hi; n++) {
          if (!used.has(n)) {
            used.add(n);
            return text(n);
          }
        }
      }
      throw new LbctlError('terminal', 'the local cloud has no free address left');
    },
    release(address) {
      used.delete(ip(address));
    },
  };
}

function ip(s: string): number {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new LbctlError('terminal', `"${s}" is not an IPv4 address`);
  }
  return parts.reduce((a, p) => a * 256 + p, 0);
}

const text = (n: number): string =>
  [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
