import { createHash } from 'node:crypto';
import { invalid, notFound } from './errors.js';

export const API_BASE = 'https://www.googleapis.com/compute/v1/';

export type Json = Record<string, unknown>;

export interface Stored {
  project: string;
  /** `regions/R`, `zones/Z` or `global`. */
  scope: string;
  collection: string;
  body: Json;
  /** Instance group membership: instance paths `projects/P/zones/Z/instances/N`. */
  members?: Set<string>;
}

export interface OperationRecord {
  body: Json;
  /** How many more get/wait calls answer RUNNING. */
  pollsLeft: number;
}

/** The fake's whole state: resources by path, operations, and counters for ids and fingerprints. */
export class Store {
  readonly resources = new Map<string, Stored>();
  readonly operations = new Map<string, OperationRecord>();
  private nextId = 1000;
  private nextExternalIP = 10;
  private nextInternalIP = new Map<string, number>();
  private clock: () => Date;

  constructor(clock: () => Date = () => new Date()) {
    this.clock = clock;
  }

  id(): string {
    return String(BigInt(this.nextId++) * 7919n + 4_000_000_000_000_000n);
  }

  now(): string {
    return this.clock().toISOString();
  }

  fingerprint(body: unknown): string {
    return createHash('sha1')
      .update(JSON.stringify(body))
      .update(String(this.nextId++))
      .digest('base64')
      .slice(0, 12);
  }

  get(path: string): Stored | undefined {
    return this.resources.get(path);
  }

  mustGet(path: string): Stored {
    const r = this.resources.get(path);
    if (r === undefined) throw notFound(path);
    return r;
  }

  put(path: string, r: Stored): void {
    this.resources.set(path, r);
  }

  delete(path: string): void {
    this.resources.delete(path);
  }

  list(project: string, scope: string, collection: string): Stored[] {
    return [...this.resources.values()]
      .filter((r) => r.project === project && r.scope === scope && r.collection === collection)
      .sort((a, b) => String(a.body['name']).localeCompare(String(b.body['name'])));
  }

  /** Every stored resource whose body mentions `path` (by URL) — who uses it. */
  usersOf(path: string): string[] {
    const url = API_BASE + path;
    const out: string[] = [];
    for (const [p, r] of this.resources) {
      if (p === path) continue;
      if (JSON.stringify(r.body).includes(`"${url}"`)) out.push(p);
    }
    return out.sort();
  }

  allocateExternalIP(): string {
    const n = this.nextExternalIP++;
    return `34.120.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  }

  allocateInternalIP(cidr: string, taken: (ip: string) => boolean): string {
    const [base] = cidr.split('/');
    const parts = (base ?? '10.0.0.0').split('.').map(Number);
    let n = this.nextInternalIP.get(cidr) ?? 10;
    for (;;) {
      const ip = `${parts[0]}.${parts[1]}.${(parts[2] ?? 0) + Math.floor(n / 250)}.${(n % 250) + 2}`;
      n++;
      if (!taken(ip)) {
        this.nextInternalIP.set(cidr, n);
        return ip;
      }
    }
  }
}

/** `https://.../compute/v1/projects/p/regions/r/x/n`, `projects/p/...` or `regions/r/...` → `projects/p/regions/r/x/n`. */
export function refPath(
  field: string,
  value: unknown,
  project: string,
  collection: string | readonly string[],
): string {
  const collections = typeof collection === 'string' ? [collection] : collection;
  if (typeof value !== 'string' || value === '')
    throw invalid(field, value, `Must be a URL of a ${collections.join(' or ')} resource.`);
  // A partial URL may start with `/` (the in-tree provider sends `/zones/Z/instances/N`).
  let v = value
    .replace(/^https:\/\/(www|compute)\.googleapis\.com\/compute\/v1\//, '')
    .replace(/^\//, '');
  if (/^(regions|zones|global)\//.test(v)) v = `projects/${project}/${v}`;
  const m = /^projects\/[^/]+\/(regions\/[^/]+|zones\/[^/]+|global)\/([A-Za-z]+)\/[^/]+$/.exec(v);
  if (m === null || !collections.includes(m[2] ?? '')) {
    throw invalid(
      field,
      value,
      `The URL is malformed or does not name a ${collections.join(' or ')} resource.`,
    );
  }
  return v;
}

export const selfLink = (path: string): string => API_BASE + path;
export const lastSegment = (url: string): string => url.slice(url.lastIndexOf('/') + 1);
