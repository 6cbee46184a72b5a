/** ARM conventions shared by the fake's handlers: errors, IDs, etags. */

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (code: string, message: string) => new ArmError(400, code, message);

export type Kind = 'loadBalancers' | 'publicIPAddresses' | 'networkSecurityGroups';
export const KINDS: readonly Kind[] = [
  'loadBalancers',
  'publicIPAddresses',
  'networkSecurityGroups',
];

export const resourceId = (sub: string, rg: string, kind: Kind, name: string): string =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/${kind}/${name}`;

export const vnetId = (sub: string, rg: string, vnet: string): string =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${vnet}`;

/** ARM compares IDs case-insensitively. */
export const sameId = (a: string | undefined, b: string): boolean =>
  a !== undefined && a.toLowerCase() === b.toLowerCase();

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const objOf = (v: unknown): Obj => (isObj(v) ? v : {});
export const arrOf = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
export const strOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const refId = (v: unknown): string | undefined => strOf(objOf(v).id);

/** Checks an integer property and names it in ARM's wording when it is out of range. */
export function intIn(where: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw badRequest(
      'InvalidRequestFormat',
      `${where} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}.`,
    );
  }
  return v;
}

export function oneOf<T extends string>(where: string, v: unknown, allowed: readonly T[]): T {
  const hit = allowed.find((a) => typeof v === 'string' && a.toLowerCase() === v.toLowerCase());
  if (hit === undefined) {
    throw badRequest(
      'InvalidRequestFormat',
      `${where} has invalid value ${JSON.stringify(v)}; allowed values are ${allowed.join(', ')}.`,
    );
  }
  return hit;
}

/** Names of ARM resources: 1-80 characters, letters, digits, `_ . -`, starting alphanumeric, not ending with `.` or `-`. */
export function checkName(where: string, name: unknown): string {
  if (
    typeof name !== 'string' ||
    !/^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/.test(name)
  ) {
    throw badRequest(
      'InvalidResourceName',
      `Resource name ${JSON.stringify(name)} of ${where} is invalid.`,
    );
  }
  return name;
}

/** IPv4/IPv6 address or CIDR check used for NSG prefixes and backend addresses. */
export function isIP(s: string): boolean {
  const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
  if (v4.test(s)) return true;
  return s.includes(':') && /^[0-9a-fA-F:]+$/.test(s) && s.split('::').length <= 2;
}

export function isCIDR(s: string): boolean {
  const [ip, bits, ...rest] = s.split('/');
  if (ip === undefined || rest.length > 0 || !isIP(ip)) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (ip.includes(':') ? 128 : 32);
}
