import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiError,
  backendError,
  badRequest,
  inUse,
  invalid,
  notFound,
  rateLimited,
  unauthenticated,
} from './errors.js';
import { parseFilter } from './filter.js';
import { Store, selfLink } from './store.js';
import type { Json } from './store.js';
import { route } from './routes.js';

/**
 * A wire-level fake of the Compute Engine REST API v1 (the parts a passthrough Network Load
 * Balancer needs) on 127.0.0.1. It follows the public REST reference: resource shapes, the
 * Operation lifecycle (RUNNING, then DONE with `error.errors` on failure, `wait` endpoints),
 * Google's error JSON (400 invalid, 404 notFound, 409 alreadyExists, 412 conditionNotMet,
 * 429/403 rateLimitExceeded, 503 backendError), label fingerprints, backend-service
 * fingerprints, list filters and paging. Every request is recorded for call counting.
 */
export interface FakeComputeOptions {
  project?: string;
  region?: string;
  zones?: string[];
  /** The bearer token clients must send; any bearer token when absent. */
  token?: string;
  /** Seed of the fault injector's random numbers (same seed, same faults). */
  seed?: number;
  faults?: Faults;
  /** How many `get`/`wait` calls on a new operation answer RUNNING before DONE. */
  operationPolls?: number;
  now?: () => Date;
}

export interface Faults {
  /** Share of requests (0..1) answered 503 backendError before doing anything. */
  errorRate?: number;
  /** Share of requests answered 429 or 403 rateLimitExceeded (alternating) before doing anything. */
  throttleRate?: number;
  /** Share of mutations whose operation ends DONE with `error.errors` and no effect. */
  operationErrorRate?: number;
  /** Share of requests whose connection is reset without an answer. */
  resetRate?: number;
  /** Delay of every answer, in milliseconds. */
  latencyMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The API method, e.g. `addresses.insert`, `regionOperations.wait`. */
  operation: string;
  status: number;
  /** Items a list answered with (list, aggregatedList, listNetworkEndpoints): what a filter saved. */
  items?: number;
}

export interface SeedInstanceOptions {
  network?: string;
  /** Subnetwork of nic0 (default: the network's subnetwork in this region). */
  subnetwork?: string;
  /** Network tags (default: the name up to its last dash). */
  tags?: string[];
}

interface ScriptedFault {
  code: number;
  reason: string;
  operation?: string;
}

export class FakeCompute {
  readonly project: string;
  readonly region: string;
  readonly zones: string[];
  readonly store: Store;
  readonly requests: RecordedRequest[] = [];
  faults: Faults;
  /** Faults for requests carrying one bearer token only (one client misbehaving network), on top of `faults`. */
  readonly faultsByToken = new Map<string, Faults>();
  operationPolls: number;
  private readonly token: string | undefined;
  private random: () => number;
  private scripted: ScriptedFault[] = [];
  private throttleFlip = false;
  private server: Server | undefined;
  /** `http://127.0.0.1:PORT` once started. */
  url = '';

  constructor(options: FakeComputeOptions = {}) {
    this.project = options.project ?? 'lbctl-test';
    this.region = options.region ?? 'us-central1';
    this.zones = options.zones ?? [`${this.region}-a`, `${this.region}-b`, `${this.region}-c`];
    this.token = options.token;
    this.faults = options.faults ?? {};
    this.operationPolls = options.operationPolls ?? 0;
    this.random = mulberry32(options.seed ?? 1);
    this.store = new Store(options.now);
    this.seedNetwork('default', '10.128.0.0/20');
  }

  async start(): Promise<{ port: number; url: string }> {
    return this.startOn(0);
  }

  /** Listens on 127.0.0.1:`port` (0: any free port). */
  async startOn(port: number): Promise<{ port: number; url: string }> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    const bound = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${bound}`;
    return { port: bound, url: this.url };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  /** A VPC network and its subnetwork `<name>-<region>` (or `nodes` for `default`). */
  seedNetwork(
    name: string,
    cidr: string,
    subnetName = name === 'default' ? 'default' : `${name}-${this.region}`,
  ): void {
    const path = `projects/${this.project}/global/networks/${name}`;
    this.store.put(path, {
      project: this.project,
      scope: 'global',
      collection: 'networks',
      body: {
        kind: 'compute#network',
        id: this.store.id(),
        name,
        selfLink: selfLink(path),
        autoCreateSubnetworks: false,
      },
    });
    const subPath = `projects/${this.project}/regions/${this.region}/subnetworks/${subName(subnetName)}`;
    this.store.put(subPath, {
      project: this.project,
      scope: `regions/${this.region}`,
      collection: 'subnetworks',
      body: {
        kind: 'compute#subnetwork',
        id: this.store.id(),
        name: subnetName,
        network: selfLink(path),
        ipCidrRange: cidr,
        region: selfLink(`projects/${this.project}/regions/${this.region}`),
        selfLink: selfLink(subPath),
      },
    });
  }

  /**
   * A VM on nic0 of `network` (and its subnetwork in this region), so groups can hold it. Its
   * network tags default to its name up to the last dash (`node-a` → `node`), the way node
   * pools name their VMs after their tag, which is what the in-tree provider relies on.
   */
  seedInstance(zone: string, name: string, options: SeedInstanceOptions = {}): string {
    const network = options.network ?? 'default';
    const subnetwork =
      options.subnetwork ?? (network === 'default' ? 'default' : `${network}-${this.region}`);
    const tags = options.tags ?? [name.slice(0, Math.max(1, name.lastIndexOf('-')))];
    const region = zone.replace(/-[a-z]$/, '');
    const path = `projects/${this.project}/zones/${zone}/instances/${name}`;
    this.store.put(path, {
      project: this.project,
      scope: `zones/${zone}`,
      collection: 'instances',
      body: {
        kind: 'compute#instance',
        id: this.store.id(),
        name,
        zone: selfLink(`projects/${this.project}/zones/${zone}`),
        status: 'RUNNING',
        // Instance.tags: { items, fingerprint } (Compute v1 REST reference, instances resource).
        tags: { items: [...tags], fingerprint: this.store.fingerprint(tags) },
        networkInterfaces: [
          {
            name: 'nic0',
            network: selfLink(`projects/${this.project}/global/networks/${network}`),
            subnetwork: selfLink(
              `projects/${this.project}/regions/${region}/subnetworks/${subnetwork}`,
            ),
            networkIP: `10.128.0.${this.store.resources.size % 250}`,
          },
        ],
        selfLink: selfLink(path),
      },
    });
    return `gce://${this.project}/${zone}/${name}`;
  }

  /** Restarts the fault injector's random numbers. */
  reseed(seed: number): void {
    this.random = mulberry32(seed);
  }

  /** Forgets every resource, operation and recorded request, keeping networks, subnetworks and instances. */
  clear(): void {
    for (const [path, r] of this.store.resources) {
      if (!['networks', 'subnetworks', 'instances'].includes(r.collection)) this.store.delete(path);
    }
    this.store.operations.clear();
    this.requests.length = 0;
    this.scripted = [];
    this.faults = {};
    this.faultsByToken.clear();
  }

  /** The next `count` requests (matching `operation` when given) fail with this HTTP error. */
  failNext(count: number, fault: ScriptedFault): void {
    for (let i = 0; i < count; i++) this.scripted.push(fault);
  }

  /** Stored resource bodies of one collection (as GET would answer). */
  resources(collection: string): Json[] {
    return [...this.store.resources.values()]
      .filter((r) => r.collection === collection)
      .map((r) => r.body);
  }

  count(filter: { operation?: string; method?: string; write?: boolean } = {}): number {
    return this.requests.filter(
      (r) =>
        (filter.operation === undefined || r.operation === filter.operation) &&
        (filter.method === undefined || r.method === filter.method) &&
        (filter.write === undefined || isWrite(r.operation) === filter.write),
    ).length;
  }

  reset(): void {
    this.requests.length = 0;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      operation: 'unknown',
      status: 0,
    };
    let status = 200;
    let payload: unknown;
    try {
      const found = route(this, record.method, url.pathname);
      record.operation = found.operation;
      if (this.faults.latencyMs !== undefined && this.faults.latencyMs > 0) {
        await new Promise((r) => setTimeout(r, this.faults.latencyMs));
      }
      this.authenticate(req);
      const faults = this.faultsFor(req);
      if (this.random() < (faults.resetRate ?? 0)) {
        record.status = 0;
        this.requests.push(record);
        req.socket.destroy();
        return;
      }
      this.injectFault(found.operation, faults);
      this.currentFaults = faults;
      let body: Json = {};
      if (text !== '') {
        try {
          body = JSON.parse(text) as Json;
        } catch {
          throw badRequest('parseError', 'Parse Error');
        }
      }
      payload = found.handle({
        body,
        query: url.searchParams,
        page: (items, kind, id) => this.page(items, kind, id, url.searchParams),
      });
    } catch (e) {
      const err =
        e instanceof ApiError
          ? e
          : new ApiError(500, 'internalError', e instanceof Error ? e.message : String(e));
      status = err.code;
      payload = err.body();
    }
    record.status = status;
    if (this.pagedItems !== undefined) record.items = this.pagedItems;
    this.pagedItems = undefined;
    this.requests.push(record);
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(payload));
  }

  private authenticate(req: IncomingMessage): void {
    const auth = req.headers.authorization;
    if (
      auth === undefined ||
      !auth.startsWith('Bearer ') ||
      (this.token !== undefined && auth !== `Bearer ${this.token}`)
    ) {
      throw unauthenticated();
    }
  }

  private currentFaults: Faults = {};
  /** Items paged by the request being served (see RecordedRequest.items). */
  private pagedItems: number | undefined;

  private faultsFor(req: IncomingMessage): Faults {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const extra = this.faultsByToken.get(token) ?? {};
    const sum = (k: keyof Faults) => (this.faults[k] ?? 0) + (extra[k] ?? 0);
    return {
      errorRate: sum('errorRate'),
      throttleRate: sum('throttleRate'),
      operationErrorRate: sum('operationErrorRate'),
      resetRate: sum('resetRate'),
    };
  }

  private injectFault(operation: string, faults: Faults): void {
    const i = this.scripted.findIndex(
      (f) => f.operation === undefined || f.operation === operation,
    );
    if (i >= 0) {
      const [f] = this.scripted.splice(i, 1);
      if (f !== undefined)
        throw f.reason === 'rateLimitExceeded'
          ? rateLimited(f.code === 403 ? 403 : 429)
          : new ApiError(f.code, f.reason, `Injected fault: ${f.reason}`);
    }
    if (this.random() < (faults.throttleRate ?? 0)) {
      this.throttleFlip = !this.throttleFlip;
      throw rateLimited(this.throttleFlip ? 429 : 403);
    }
    if (this.random() < (faults.errorRate ?? 0)) throw backendError();
  }

  /** Whether this mutation's operation should fail (decided when it starts). */
  operationFails(): boolean {
    return this.random() < (this.currentFaults.operationErrorRate ?? 0);
  }

  private page(items: Json[], kind: string, id: string, query: URLSearchParams): Json {
    const predicate = parseFilter(query.get('filter'));
    const matching = items.filter(predicate);
    const max = query.get('maxResults') === null ? 500 : Number(query.get('maxResults'));
    if (!Number.isInteger(max) || max < 0 || max > 500)
      throw invalid('maxResults', query.get('maxResults'), 'Must be an integer between 0 and 500.');
    const token = query.get('pageToken');
    let start = 0;
    if (token !== null && token !== '') {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
      if (decoded === null) throw invalid('pageToken', token, 'Invalid page token.');
      start = Number(decoded[1]);
    }
    const size = max === 0 ? 500 : max;
    const items_ = matching.slice(start, start + size);
    this.pagedItems = (this.pagedItems ?? 0) + items_.length;
    const next =
      start + size < matching.length
        ? Buffer.from(`offset:${start + size}`).toString('base64url')
        : undefined;
    return {
      kind,
      id,
      items: items_,
      ...(next === undefined ? {} : { nextPageToken: next }),
      selfLink: selfLink(id),
    };
  }
}

export const isWrite = (operation: string): boolean =>
  /\.(insert|delete|patch|update|setLabels|addInstances|removeInstances|addInstance|removeInstance|addHealthCheck|removeHealthCheck|attachNetworkEndpoints|detachNetworkEndpoints)$/.test(
    operation,
  );

const subName = (s: string) => s;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { inUse, notFound };
