import type {
  BackendAddressPool,
  LoadBalancer,
  NetworkManagementClient,
  NetworkSecurityGroup,
  PublicIPAddress,
} from '@azure/arm-network';
import { getContinuationToken } from '@azure/arm-network';
import { LbctlError } from '../../src/core/errors.js';
import type { CloudCall } from '../shared/index.js';

/**
 * A 412 from ARM: the etag we sent is stale. Not retried by the cloud caller (the same request
 * would fail again); the read-modify-write loop re-reads and re-applies its change instead.
 */
export class StaleEtagError extends LbctlError {
  constructor(what: string, options: { cause?: unknown } = {}) {
    super('conflict', `${what} changed since it was read (etag mismatch)`, options);
    this.name = 'StaleEtagError';
  }
  override get retryable(): boolean {
    return false;
  }
}

export type Kind = 'loadBalancers' | 'publicIPAddresses' | 'networkSecurityGroups';
type Body<K extends Kind> = K extends 'loadBalancers'
  ? LoadBalancer
  : K extends 'publicIPAddresses'
    ? PublicIPAddress
    : NetworkSecurityGroup;

const OP: Record<Kind, string> = {
  loadBalancers: 'LoadBalancers',
  publicIPAddresses: 'PublicIPAddresses',
  networkSecurityGroups: 'NetworkSecurityGroups',
};

/** Preconditions of a write: `ifMatch` an etag (update exactly what was read), `ifNoneMatch: '*'` (create only). */
export interface Condition {
  ifMatch?: string;
  ifNoneMatch?: '*';
}

/**
 * The ARM calls lbctl makes, each through the cloud caller (rate limit class `read`, `write` or
 * `delete`, as ARM's per-subscription buckets), with operation names `<Group>.<Operation>` in
 * the call log. Long-running operations are awaited with the SDK's pollers; their polls are
 * part of the one recorded operation.
 */
export class AzureApi {
  constructor(
    private readonly client: NetworkManagementClient,
    private readonly call: CloudCall,
    private readonly options: {
      resourceGroup: string;
      lroIntervalMs?: number;
      signal?: AbortSignal;
    },
  ) {}

  /** The same API whose calls (retries, waits and polls included) stop when `signal` aborts. */
  withSignal(signal: AbortSignal | undefined): AzureApi {
    if (signal === undefined) return this;
    return new AzureApi(this.client, this.call, { ...this.options, signal });
  }

  private get sig(): { signal?: AbortSignal } {
    return this.options.signal === undefined ? {} : { signal: this.options.signal };
  }

  /** Every resource of a kind in the resource group, one recorded call per page. */
  async list<K extends Kind>(kind: K, rg = this.options.resourceGroup): Promise<Body<K>[]> {
    const out: Body<K>[] = [];
    let token: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const items = await this.call(
        { operation: `${OP[kind]}.List`, write: false, apiClass: 'read', ...this.sig },
        async () => {
          const pager = (
            this.client[kind] as {
              list(rg: string): {
                byPage(o: { continuationToken?: string }): AsyncIterableIterator<Body<K>[]>;
              };
            }
          )
            .list(rg)
            .byPage(token === undefined ? {} : { continuationToken: token });
          const next = await pager.next();
          return next.done === true ? [] : next.value;
        },
      );
      out.push(...items);
      token = getContinuationToken(items);
      if (token === undefined) return out;
    }
    throw new LbctlError('terminal', `Azure ${OP[kind]}.List returned more than 1000 pages`);
  }

  /** The resource, or undefined when ARM answers 404. */
  async get<K extends Kind>(
    kind: K,
    name: string,
    rg = this.options.resourceGroup,
  ): Promise<Body<K> | undefined> {
    try {
      return await this.call(
        { operation: `${OP[kind]}.Get`, write: false, apiClass: 'read', ...this.sig },
        () =>
          (
            this.client[kind] as unknown as {
              get(rg: string, n: string, o: object): Promise<Body<K>>;
            }
          ).get(rg, name, this.opts()),
      );
    } catch (e) {
      if (e instanceof LbctlError && e.kind === 'not-found') return undefined;
      throw e;
    }
  }

  /** Creates or replaces, under `cond`; in `cond.resourceGroup` when given, else the configured one. */
  async put<K extends Kind>(
    kind: K,
    name: string,
    body: Body<K>,
    cond: Condition & { resourceGroup?: string },
  ): Promise<Body<K>> {
    const rg = cond.resourceGroup ?? this.options.resourceGroup;
    const written = this.call(
      { operation: `${OP[kind]}.CreateOrUpdate`, write: true, apiClass: 'write', ...this.sig },
      async () => {
        try {
          return await (
            this.client[kind] as unknown as {
              beginCreateOrUpdateAndWait(
                rg: string,
                n: string,
                b: Body<K>,
                o: object,
              ): Promise<Body<K>>;
            }
          ).beginCreateOrUpdateAndWait(rg, name, body, this.opts(cond));
        } catch (e) {
          throw stale(e, `${kind}/${name}`);
        }
      },
    );
    // A 404 here comes from the operation's final GET: someone deleted the resource meanwhile.
    // The caller re-plans (conflict), it must not read this as "already gone".
    return written.catch((e: unknown) => {
      if (e instanceof LbctlError && e.kind === 'not-found') {
        throw new LbctlError('conflict', `${kind}/${name} was deleted while being written`, {
          cause: e,
        });
      }
      throw e;
    });
  }

  /** Deletes; a resource that is already gone is success (ARM answers 204). */
  async delete(
    kind: Kind,
    name: string,
    cond: Condition,
    rg = this.options.resourceGroup,
  ): Promise<void> {
    await this.call(
      { operation: `${OP[kind]}.Delete`, write: true, apiClass: 'delete', ...this.sig },
      async () => {
        try {
          await (
            this.client[kind] as unknown as {
              beginDeleteAndWait(rg: string, n: string, o: object): Promise<unknown>;
            }
          ).beginDeleteAndWait(rg, name, this.opts(cond));
        } catch (e) {
          throw stale(e, `${kind}/${name}`);
        }
      },
    );
  }

  /** One backend pool of a load balancer, or undefined on 404 (pool or load balancer gone). */
  async getPool(lb: string, pool: string): Promise<BackendAddressPool | undefined> {
    try {
      return await this.call(
        {
          operation: 'LoadBalancerBackendAddressPools.Get',
          write: false,
          apiClass: 'read',
          ...this.sig,
        },
        () =>
          this.client.loadBalancerBackendAddressPools.get(
            this.options.resourceGroup,
            lb,
            pool,
            this.opts(),
          ),
      );
    } catch (e) {
      if (e instanceof LbctlError && e.kind === 'not-found') return undefined;
      throw e;
    }
  }

  /**
   * Creates or replaces a backend pool with its IP-based members: the only call through which
   * ARM keeps them (members sent inside a load balancer PUT are dropped).
   */
  async putPool(
    lb: string,
    pool: string,
    body: BackendAddressPool,
    cond: Condition,
  ): Promise<BackendAddressPool> {
    return this.call(
      {
        operation: 'LoadBalancerBackendAddressPools.CreateOrUpdate',
        write: true,
        apiClass: 'write',
        ...this.sig,
      },
      async () => {
        try {
          return await this.client.loadBalancerBackendAddressPools.beginCreateOrUpdateAndWait(
            this.options.resourceGroup,
            lb,
            pool,
            body,
            this.opts(cond),
          );
        } catch (e) {
          throw stale(e, `loadBalancers/${lb}/backendAddressPools/${pool}`);
        }
      },
    );
  }

  private opts(cond: Condition = {}): object {
    const headers: Record<string, string> = {};
    if (cond.ifMatch !== undefined) headers['If-Match'] = cond.ifMatch;
    if (cond.ifNoneMatch !== undefined) headers['If-None-Match'] = cond.ifNoneMatch;
    return {
      ...(this.options.lroIntervalMs === undefined
        ? {}
        : { updateIntervalInMs: this.options.lroIntervalMs }),
      ...(this.options.signal === undefined ? {} : { abortSignal: this.options.signal }),
      requestOptions: { customHeaders: headers },
    };
  }
}

function stale(e: unknown, what: string): unknown {
  const status = (e as { statusCode?: unknown }).statusCode;
  return e instanceof Error && e.name === 'RestError' && status === 412
    ? new StaleEtagError(what, { cause: e })
    : e;
}
