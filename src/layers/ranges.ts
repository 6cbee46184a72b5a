import type { IPFamily } from '../core/k8s.js';
import { cidrContains, formatIP, parseIP } from './ip.js';
import type { ParsedCIDR } from './ip.js';
import { BandedPool, ipBandOffset, portBandOffset } from './pool.js';

/** The API server keeps an IPv6 bitmap of at most 2^16 addresses, whatever the prefix. */
const MAX_IPV6_SLOTS = 65536n;

/**
 * The allocatable addresses of one service CIDR. As in the API server, the network address is
 * never handed out, nor the IPv4 broadcast address; asking for either is "not in the valid range".
 */
export class ServiceIPRange {
  readonly family: IPFamily;
  readonly pool: BandedPool;
  private readonly base: bigint;

  constructor(readonly cidr: ParsedCIDR) {
    this.family = cidr.family;
    this.base = cidr.network + 1n;
    let slots = cidr.family === 'IPv4' ? cidr.size - 2n : cidr.size - 1n;
    if (cidr.family === 'IPv6' && slots > MAX_IPV6_SLOTS - 1n) slots = MAX_IPV6_SLOTS - 1n;
    const size = slots > 0n ? Number(slots) : 0;
    this.pool = new BandedPool(size, Math.min(ipBandOffset(cidr.size), size));
  }

  /** The slot of `text`, or undefined when it is not an allocatable address of this range. */
  indexOf(text: string): number | undefined {
    const ip = parseIP(text);
    if (ip === undefined || !cidrContains(this.cidr, ip)) return undefined;
    const index = ip.value - this.base;
    return index >= 0n && index < BigInt(this.pool.size) ? Number(index) : undefined;
  }

  addressAt(index: number): string {
    return formatIP(this.family, this.base + BigInt(index));
  }
}

/** The NodePort range; slot i is port `min + i`. */
export class NodePortRange {
  readonly pool: BandedPool;

  constructor(readonly range: { min: number; max: number }) {
    const size = range.max - range.min + 1;
    this.pool = new BandedPool(size, portBandOffset(size));
  }

  contains(port: number): boolean {
    return port >= this.range.min && port <= this.range.max;
  }

  indexOf(port: number): number {
    return port - this.range.min;
  }

  portAt(index: number): number {
    return this.range.min + index;
  }

  /** As the API server prints it in "The range of valid ports is 30000-32767". */
  toString(): string {
    return `${this.range.min}-${this.range.max}`;
  }
}
