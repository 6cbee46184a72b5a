// Address math for service CIDRs, source ranges and requested IPs.
// ipaddr.js is used because it is small, pure (no I/O, no native code), well kept, and parses
// and prints IPv6 correctly (RFC 5952 text form), which hand-written regexes get wrong.
// Offsets inside a range use BigInt so that IPv6 needs no special casing.
import ipaddr from 'ipaddr.js';

import type { IPFamily } from '../core/k8s.js';

export interface ParsedIP {
  family: IPFamily;
  /** Canonical text: dotted quad for IPv4, RFC 5952 for IPv6. */
  text: string;
  value: bigint;
}

export interface ParsedCIDR {
  family: IPFamily;
  /** Canonical text of the network, e.g. `10.96.0.0/12`, `fd00:10:96::/108`. */
  text: string;
  network: bigint;
  prefix: number;
  /** Number of addresses in the range, network and broadcast included. */
  size: bigint;
}

const BITS: Record<IPFamily, number> = { IPv4: 32, IPv6: 128 };

/**
 * Strict IP parsing: IPv4 only as four decimal parts (ipaddr.js also accepts `10` or `0x0a.1`,
 * which Kubernetes refuses), IPv6 without a zone. Returns undefined for anything else.
 */
export function parseIP(text: string): ParsedIP | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const v4 = ipaddr.IPv4.parse(text);
    if (hasLeadingZero(text)) return undefined;
    return { family: 'IPv4', text: v4.toString(), value: toBigInt(v4.toByteArray()) };
  }
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) {
    const v6 = ipaddr.IPv6.parse(text);
    if (v6.zoneId !== undefined) return undefined;
    return { family: 'IPv6', text: v6.toRFC5952String(), value: toBigInt(v6.toByteArray()) };
  }
  return undefined;
}

/** Go's net.ParseIP refuses `010.0.0.1` since Go 1.17 (ambiguous octal); so do we. */
function hasLeadingZero(v4: string): boolean {
  return v4.split('.').some((part) => part.length > 1 && part.startsWith('0'));
}

/**
 * Parses `address/prefix`. With `strict`, host bits must be zero (`10.0.0.1/8` is refused,
 * as the API server refuses it for service CIDRs); otherwise they are masked off.
 */
export function parseCIDR(text: string, strict = false): ParsedCIDR | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = BITS[ip.family];
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const network = (ip.value >> hostBits) << hostBits;
  if (strict && network !== ip.value) return undefined;
  return {
    family: ip.family,
    text: `${formatIP(ip.family, network)}/${prefix}`,
    network,
    prefix,
    size: 1n << hostBits,
  };
}

export function cidrContains(cidr: ParsedCIDR, ip: ParsedIP): boolean {
  return (
    ip.family === cidr.family && ip.value >= cidr.network && ip.value < cidr.network + cidr.size
  );
}

export function formatIP(family: IPFamily, value: bigint): string {
  const bytes: number[] = [];
  for (let i = BITS[family] / 8 - 1; i >= 0; i--)
    bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  const addr = ipaddr.fromByteArray(bytes);
  return addr.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toRFC5952String() : addr.toString();
}

function toBigInt(bytes: readonly number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}
