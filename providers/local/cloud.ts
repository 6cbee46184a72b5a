import { LbctlError } from '../../src/core/errors.js';
import type { Attributes, Value } from '../../src/core/resource.js';
import { createTokenBucket, type TokenBucket } from './bucket.js';
import { createAddressPool } from './pool.js';
import { LB, LISTENER, TARGET_SET } from './schemas.js';

/** One resource as the in-memory cloud stores it: references to other resources are cloud IDs. */
export interface CloudResource {
  readonly id: string;
  readonly type: string;
  attributes: Attributes;
  tags: Record<string, string>;
}

export interface CloudLimits {
  /** Sustained calls per second, and the bucket size; reads and writes have separate buckets, as on AWS. */
  readsPerSecond: number;
  writesPerSecond: number;
  burst: number;
}

export interface LocalCloudOptions {
  /** Added to every call (ms). Default 0. */
  latencyMs?: number;
  /** Token-bucket limits; absent means unlimited. Exceeding them fails the call as `throttled`. */
  limits?: CloudLimits;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Runs before each call (after its latency); a test can throw or hang here to inject faults. */
  beforeCall?: (operation: string) => void | Promise<void>;
}

/** What an operation is: its name as the CallLog records it, and whether it changes anything. */
export interface Operation {
  name: string;
  write: boolean;
}

const KIND: Record<string, string> = {
  [LB]: 'LoadBalancer',
  [LISTENER]: 'Listener',
  [TARGET_SET]: 'TargetSet',
};

/**
 * An in-memory cloud with an API shaped like a real one: tag-filtered describes, creates that
 * are idempotent per client token (like AWS's name idempotency), member-set deltas, and
 * deletes that refuse resources still in use. Addresses come from documentation and
 * benchmarking ranges (never contacted).
 */
export class LocalCloud {
  private readonly resources = new Map<string, CloudResource>();
  private readonly byToken = new Map<string, string>();
  private readonly pool = createAddressPool();
  private nextId = 1;
  private readonly reads: TokenBucket | undefined;
  private readonly writes: TokenBucket | undefined;
  private readonly latencyMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  beforeCall: ((operation: string) => void | Promise<void>) | undefined;

  constructor(options: LocalCloudOptions = {}) {
    const now = options.now ?? Date.now;
    this.latencyMs = options.latencyMs ?? 0;
    if (!(this.latencyMs >= 0))
      throw new TypeError(`latencyMs must be >= 0, got ${this.latencyMs}`);
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.beforeCall = options.beforeCall;
    const l = options.limits;
    if (l !== undefined) {
      this.reads = createTokenBucket({ perSecond: l.readsPerSecond, burst: l.burst, now });
      this.writes = createTokenBucket({ perSecond: l.writesPerSecond, burst: l.burst, now });
    }
  }

  /** Every stored resource (a copy), for tests and the demo. */
  list(): CloudResource[] {
    return [...this.resources.values()].map(copy);
  }

  async describe(filter: Readonly<Record<string, string>>): Promise<CloudResource[]> {
    await this.admit({ name: 'DescribeResources', write: false });
    const keys = Object.entries(filter);
    return [...this.resources.values()]
      .filter((r) => keys.every(([k, v]) => r.tags[k] === v))
      .map(copy);
  }

  async describeLoadBalancersByName(names: readonly string[]): Promise<CloudResource[]> {
    await this.admit({ name: 'DescribeLoadBalancers', write: false });
    return [...this.resources.values()]
      .filter((r) => r.type === LB && names.includes(String(r.attributes['name'])))
      .map(copy);
  }

  /**
   * Creates a resource, or returns the one an earlier call with the same client token created
   * (a retry after a lost response or a crash must not make a second one).
   */
  async create(input: {
    type: string;
    attributes: Attributes;
    tags: Record<string, string>;
    clientToken: string;
  }): Promise<CloudResource> {
    await this.admit({ name: `Create${kindOf(input.type)}`, write: true });
    const existingId = this.byToken.get(input.clientToken);
    const existing = existingId === undefined ? undefined : this.resources.get(existingId);
    if (existing !== undefined) return copy(existing);
    for (const ref of ['load_balancer', 'target_set']) {
      const id = input.attributes[ref];
      if (typeof id === 'string' && !this.resources.has(id)) {
        throw new LbctlError('terminal', `${ref} ${id} does not exist`);
      }
    }
    const attributes = structuredClone(input.attributes);
    if (input.type === LB) {
      const requested = attributes['requested_ip'];
      attributes['address'] = this.pool.allocate(
        typeof requested === 'string' ? requested : undefined,
      );
    }
    const id = `${input.type}-${String(this.nextId++).padStart(6, '0')}`;
    const r: CloudResource = { id, type: input.type, attributes, tags: { ...input.tags } };
    this.resources.set(id, r);
    this.byToken.set(input.clientToken, id);
    return copy(r);
  }

  /** Replaces the attributes given (member sets excepted: they change by delta only). */
  async modify(
    id: string,
    attributes: Attributes,
    tags?: Record<string, string>,
  ): Promise<CloudResource> {
    const r = await this.found(id, (k) => `Modify${k}`);
    for (const [k, v] of Object.entries(attributes)) r.attributes[k] = structuredClone(v);
    if (tags !== undefined) r.tags = { ...tags };
    return copy(r);
  }

  /** Adds and removes members of a set attribute (`members`, `source_ranges`). */
  async changeMembers(input: {
    id: string;
    attribute: string;
    add: readonly Value[];
    remove: readonly Value[];
  }): Promise<CloudResource> {
    const operation =
      input.attribute === 'members'
        ? input.add.length > 0
          ? 'RegisterTargets'
          : 'DeregisterTargets'
        : input.add.length > 0
          ? 'AuthorizeSourceRanges'
          : 'RevokeSourceRanges';
    const r = await this.found(input.id, () => operation);
    const current = Array.isArray(r.attributes[input.attribute])
      ? (r.attributes[input.attribute] as Value[])
      : [];
    const removed = new Set(input.remove.map((v) => JSON.stringify(v)));
    const next = current.filter((v) => !removed.has(JSON.stringify(v)));
    for (const v of input.add)
      if (!next.some((x) => JSON.stringify(x) === JSON.stringify(v))) next.push(v);
    r.attributes[input.attribute] = next.sort((a, b) =>
      JSON.stringify(a) < JSON.stringify(b) ? -1 : 1,
    );
    return copy(r);
  }

  async delete(id: string): Promise<void> {
    const r = await this.found(id, (k) => `Delete${k}`);
    const user = [...this.resources.values()].find((x) =>
      ['load_balancer', 'target_set'].some((ref) => x.attributes[ref] === id),
    );
    if (user !== undefined) {
      throw new LbctlError('conflict', `${r.id} is in use by ${user.id}`);
    }
    this.resources.delete(id);
    for (const [token, rid] of this.byToken) if (rid === id) this.byToken.delete(token);
    if (r.type === LB) this.pool.release(String(r.attributes['address']));
  }

  private async found(id: string, operation: (kind: string) => string): Promise<CloudResource> {
    const type = id.slice(0, id.lastIndexOf('-'));
    await this.admit({ name: operation(kindOf(type)), write: true });
    const r = this.resources.get(id);
    if (r === undefined) throw new LbctlError('not-found', `${id} not found`);
    return r;
  }

  /** Latency, fault hook and rate limits, in that order, like a request crossing the network. */
  private async admit(op: Operation): Promise<void> {
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    if (this.beforeCall !== undefined) await this.beforeCall(op.name);
    const verdict = (op.write ? this.writes : this.reads)?.take();
    if (verdict !== undefined && !verdict.ok) {
      throw new LbctlError('throttled', `${op.name}: Rate exceeded`, {
        retryAfterMs: verdict.retryAfterMs,
      });
    }
  }
}

const kindOf = (type: string): string => KIND[type] ?? 'Resource';

function copy(r: CloudResource): CloudResource {
  return { id: r.id, type: r.type, attributes: structuredClone(r.attributes), tags: { ...r.tags } };
}
