import type { protos } from '@google-cloud/compute';
import { LbctlError } from '../../src/core/errors.js';
import { classifyGcpError, OperationFailedError, statusOf } from './classify.js';
import type { ComputeClients } from './clients.js';

type IOperation = protos.google.cloud.compute.v1.IOperation;

/** One cloud call as providers/shared's caller takes it. */
export interface CloudOp {
  /** The Compute API method, e.g. `addresses.insert`, `regionOperations.wait`. */
  operation: string;
  write: boolean;
  /** Quota class: `read` (Read requests) or `write` (Queries, i.e. mutations). */
  apiClass: 'read' | 'write';
}
export type Call = <T>(op: CloudOp, fn: () => Promise<T>) => Promise<T>;

/** A generated client's own paged call, as `aggregatedPages` uses it. */
export interface AggregatingClient {
  initialize(): Promise<unknown>;
  innerApiCalls: Record<
    string,
    (
      request: Record<string, unknown>,
      options: { autoPaginate: false },
    ) => Promise<[Record<string, unknown> | null, Record<string, unknown> | null, unknown]>
  >;
}

/** Where operations live: `region`, `zone/<zone>` or `global`. */
export type OpScope = { region: string } | { zone: string } | 'global';

/** How many `wait` calls (each blocks up to two minutes on the real API) before giving up. */
export const MAX_WAITS = 10;

/**
 * The clients plus the call wrapper: every SDK call goes through `call` (rate limit, retries,
 * CallLog), and a mutation is followed by `wait` on its Operation until DONE.
 */
export class Gcp {
  constructor(
    readonly clients: ComputeClients,
    readonly call: Call,
    readonly project: string,
    readonly region: string,
    /** Milliseconds since the epoch (injectable for tests); only short-lived caches read it. */
    readonly now: () => number = Date.now,
  ) {}

  /** The nodes' instances read in the last INSTANCE_CACHE_MS, by `zone/name` (see nodes.ts). */
  readonly instanceCache = new Map<string, { at: number; instance: unknown }>();

  read<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return this.call({ operation, write: false, apiClass: 'read' }, fn);
  }

  /** A mutation and the wait on its Operation; an Operation that ends with errors throws OperationFailedError (classified by the caller). */
  async mutate(
    operation: string,
    scope: OpScope,
    fn: () => Promise<[unknown, ...unknown[]]>,
  ): Promise<IOperation> {
    const op = await this.call({ operation, write: true, apiClass: 'write' }, async () => {
      try {
        const [lro] = await fn();
        return (lro as { latestResponse?: unknown }).latestResponse as IOperation;
      } catch (e) {
        // Sending the same insert again cannot succeed after 409 alreadyExists, nor the same
        // fingerprint after 412: the caller must not retry these; execute adopts or re-reads.
        const status = statusOf(e);
        if (status === 409 || status === 412) {
          throw new LbctlError('terminal', classifyGcpError(e, operation).message, { cause: e });
        }
        throw e;
      }
    });
    const done = await this.waitFor(op, scope, operation);
    const errors = done.error?.errors ?? [];
    if (errors.length > 0) {
      throw new OperationFailedError(
        done.name ?? '',
        done.httpErrorStatusCode ?? undefined,
        errors.map((e) => e.code ?? ''),
        `${operation} failed in operation ${done.name ?? '?'}: ${errors.map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ')}`,
      );
    }
    return done;
  }

  private async waitFor(op: IOperation, scope: OpScope, operation: string): Promise<IOperation> {
    let current = op;
    for (let i = 0; i < MAX_WAITS && current.status !== 'DONE'; i++) {
      const name = current.name ?? '';
      current = await this.read(waitOperationName(scope), async () => {
        if (scope === 'global')
          return (
            await this.clients.globalOperations.wait({ project: this.project, operation: name })
          )[0];
        if ('zone' in scope) {
          return (
            await this.clients.zoneOperations.wait({
              project: this.project,
              zone: scope.zone,
              operation: name,
            })
          )[0];
        }
        return (
          await this.clients.regionOperations.wait({
            project: this.project,
            region: scope.region,
            operation: name,
          })
        )[0];
      });
    }
    if (current.status !== 'DONE') {
      throw new LbctlError(
        'provisioning',
        `${operation}: operation ${current.name ?? '?'} still ${current.status ?? 'unknown'} after ${MAX_WAITS} waits`,
        {
          retryAfterMs: 10_000,
        },
      );
    }
    return current;
  }

  /** Every page of a list, one counted call per page. */
  async listAll<T>(
    operation: string,
    page: (pageToken: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
  ): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const result = await this.read(operation, () => page(token));
      out.push(...result.items);
      token = result.next;
      if (token === undefined || token === '') return out;
    }
    throw new LbctlError('terminal', `${operation}: more than 1000 pages`);
  }

  /**
   * Every page of an `aggregatedList`, one counted call per page, as `{ scope, items }` per
   * scope. The generated clients offer only an iterator for these, which hides where one page
   * ends; this goes through the same client's own call (`innerApiCalls`, what the iterator
   * calls) so that each page is one call in the CallLog.
   */
  async aggregatedPages<X>(
    operation: string,
    client: AggregatingClient,
    { request, field }: { request: Record<string, unknown>; field: string },
  ): Promise<{ scope: string; items: X[] }[]> {
    await client.initialize();
    const call = client.innerApiCalls['aggregatedList'];
    if (call === undefined)
      throw new LbctlError('terminal', `${operation}: the client has no aggregatedList`);
    const out: { scope: string; items: X[] }[] = [];
    let next: Record<string, unknown> | null = { ...request };
    for (let i = 0; i < 1000 && next !== null; i++) {
      const req: Record<string, unknown> = next;
      const [scopes, following] = await this.read(operation, () =>
        call(req, { autoPaginate: false }),
      );
      for (const [scope, list] of Object.entries(scopes ?? {})) {
        const items = (list as Record<string, unknown> | null)?.[field];
        if (Array.isArray(items)) out.push({ scope, items: items as X[] });
      }
      next = following ?? null;
    }
    if (next !== null) throw new LbctlError('terminal', `${operation}: more than 1000 pages`);
    return out;
  }

  regionPath(collection: string, name: string): string {
    return `projects/${this.project}/regions/${this.region}/${collection}/${name}`;
  }

  zonePath(zone: string, collection: string, name: string): string {
    return `projects/${this.project}/zones/${zone}/${collection}/${name}`;
  }

  globalPath(collection: string, name: string): string {
    return `projects/${this.project}/global/${collection}/${name}`;
  }
}

const waitOperationName = (scope: OpScope): string =>
  scope === 'global'
    ? 'globalOperations.wait'
    : 'zone' in scope
      ? 'zoneOperations.wait'
      : 'regionOperations.wait';

/** `https://www.googleapis.com/compute/v1/projects/p/zones/z/instances/n` → `n`. */
export const lastSegment = (url: string | null | undefined): string =>
  (url ?? '').slice((url ?? '').lastIndexOf('/') + 1);

/** `.../zones/us-central1-a/...` → `us-central1-a`. */
export const zoneOf = (url: string | null | undefined): string =>
  /\/zones\/([^/]+)/.exec(url ?? '')?.[1] ?? '';
