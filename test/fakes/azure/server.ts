import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ArmError, isObj, type Kind, KINDS, type Obj } from './arm.js';
import { selfSignedCertificate } from './cert.js';
import { type FaultOptions, type FaultState, faultState, mulberry32, pickFault } from './faults.js';

export { mulberry32, type FaultOptions } from './faults.js';
import { type FakeVnet, FakeStore } from './store.js';
import { checkPreconditions, header } from './conditions.js';
import { handlePool } from './pools.js';

export interface AzureFakeOptions {
  subscription?: string;
  resourceGroups?: readonly string[];
  vnets?: readonly FakeVnet[];
  /** The bearer token to accept; every other is refused with 401. */
  token?: string;
  apiVersions?: readonly string[];
  pageSize?: number;
  /** How writes complete: at once (200/201 Succeeded), asynchronously (201 + Azure-AsyncOperation, 202 + Location), or a seeded mix. */
  lro?: 'sync' | 'async' | 'mixed';
  pollsToComplete?: number;
  retryAfterSeconds?: number;
  faults?: FaultOptions;
  port?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  kind: Kind | 'operation' | 'other';
  ifMatch: string | undefined;
  status: number;
}

export interface AzureFake {
  /** `https://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** The PEM certificate clients must trust. */
  readonly ca: string;
  readonly subscription: string;
  readonly store: FakeStore;
  readonly requests: RecordedRequest[];
  /** Requests matching every given field (operation polls count as kind `operation`). */
  count(
    filter?: Partial<Pick<RecordedRequest, 'method' | 'kind' | 'status'>> & { write?: boolean },
  ): number;
  /**
   * Faults for every caller, or only for callers presenting `token` (which the fake then also
   * accepts): one client can suffer faults while another, on the same state, does not.
   */
  setFaults(faults: FaultOptions | undefined, token?: string): void;
  close(): Promise<void>;
}

const DEFAULT_VERSIONS = ['2025-05-01', '2024-10-01', '2024-07-01', '2024-05-01', '2023-11-01'];

/** Starts the fake ARM Network API on 127.0.0.1 over HTTPS with a certificate made at start. */
export async function startAzureFake(options: AzureFakeOptions = {}): Promise<AzureFake> {
  const subscription = options.subscription ?? '00000000-0000-0000-0000-000000000001';
  const token = options.token ?? 'fake-token';
  const versions = options.apiVersions ?? DEFAULT_VERSIONS;
  const pageSize = options.pageSize ?? 50;
  const store = new FakeStore(
    subscription,
    options.resourceGroups ?? ['rg'],
    options.vnets ?? [{ resourceGroup: 'rg', name: 'vnet', subnets: { subnet: '10.240.0.0/16' } }],
  );
  const requests: RecordedRequest[] = [];
  let globalFaults = faultState(options.faults);
  const tokenFaults = new Map<string, FaultState>();
  const lroRng = mulberry32(7);
  const { key, cert } = selfSignedCertificate();
  let origin = '';

  const server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const active: { faults: FaultState | undefined } = { faults: globalFaults };
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: '',
        kind: 'other',
        ifMatch: header(req, 'if-match'),
        status: 0,
      };
      requests.push(record);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        record.status = status;
        const text = body === undefined ? '' : JSON.stringify(body);
        const go = () => {
          res.writeHead(status, {
            'content-type': 'application/json; charset=utf-8',
            'x-ms-request-id': String(requests.length),
            ...headers,
          });
          res.end(text);
        };
        const latency = active.faults?.opts.latencyMs ?? 0;
        if (latency > 0) setTimeout(go, latency);
        else go();
      };
      try {
        handle(req, Buffer.concat(chunks).toString('utf8'), record, send, active);
      } catch (e) {
        const err = e instanceof ArmError ? e : new ArmError(500, 'InternalServerError', String(e));
        send(err.status, err.body(), err.headers);
      }
    });
  });

  function handle(
    req: IncomingMessage,
    text: string,
    record: RecordedRequest,
    send: (s: number, b: unknown, h?: Record<string, string>) => void,
    active: { faults: FaultState | undefined },
  ): void {
    const url = new URL(req.url ?? '/', origin);
    record.path = url.pathname;
    const bearer = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1];
    if (bearer !== undefined && tokenFaults.has(bearer)) active.faults = tokenFaults.get(bearer);
    else if (bearer !== token) {
      throw new ArmError(
        401,
        'AuthenticationFailed',
        'Authentication failed. The Authorization header is missing or the token is invalid.',
      );
    }
    const op =
      /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Network\/locations\/([^/]+)\/(operations|operationResults)\/([^/]+)$/i.exec(
        url.pathname,
      );
    if (op !== null) {
      record.kind = 'operation';
      return pollOperation(op[3] as string, op[4] as string, url, send);
    }
    const m =
      /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?\/providers\/Microsoft\.Network\/([^/]+)(?:\/([^/]+))?(?:\/(backendAddressPools)\/([^/]+))?$/i.exec(
        url.pathname,
      );
    const kind = KINDS.find((k) => k.toLowerCase() === m?.[3]?.toLowerCase());
    if (m === null || kind === undefined)
      throw new ArmError(
        404,
        'InvalidResourceType',
        `The resource type could not be found in the namespace 'Microsoft.Network' for path ${url.pathname}.`,
      );
    record.kind = kind;
    const version = url.searchParams.get('api-version');
    if (version === null)
      throw new ArmError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    if (!versions.includes(version))
      throw new ArmError(
        400,
        'NoRegisteredProviderFound',
        `No registered resource provider found for location and API version '${version}' for type '${kind}'. The supported api-versions are '${versions.join(', ')}'.`,
      );
    if (m[1]?.toLowerCase() !== subscription.toLowerCase())
      throw new ArmError(
        404,
        'SubscriptionNotFound',
        `The subscription '${m[1]}' could not be found.`,
      );
    const rg = m[2];
    const name = m[4];
    if (rg !== undefined && !store.hasResourceGroup(rg))
      throw new ArmError(
        404,
        'ResourceGroupNotFound',
        `Resource group '${rg}' could not be found.`,
      );
    const method = req.method ?? 'GET';
    const write = method === 'PUT' || method === 'DELETE';
    const fault = pickFault(active.faults, write);
    if (fault === 429)
      throw new ArmError(429, 'TooManyRequests', 'The request is being throttled.', {
        'Retry-After': String(options.retryAfterSeconds ?? 1),
      });
    if (fault === 500 || fault === 503)
      throw new ArmError(
        fault,
        fault === 500 ? 'InternalServerError' : 'ServiceUnavailable',
        'Injected fault: the service is temporarily unavailable.',
      );

    if (name === undefined) {
      if (method !== 'GET')
        throw new ArmError(
          405,
          'MethodNotAllowed',
          `The requested method ${method} is not allowed on a collection.`,
        );
      const all = store.list(kind, rg);
      const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
      const page = all.slice(skip, skip + pageSize);
      const next =
        skip + pageSize < all.length
          ? `${origin}${url.pathname}?api-version=${version}&%24skiptoken=${skip + pageSize}`
          : undefined;
      return send(200, { value: page, ...(next === undefined ? {} : { nextLink: next }) });
    }
    if (rg === undefined)
      throw new ArmError(
        404,
        'InvalidResourceType',
        `Path ${url.pathname} names no resource group.`,
      );
    const notFound = () =>
      new ArmError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.Network/${kind}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      );
    if (m[5] !== undefined) {
      if (kind !== 'loadBalancers') throw notFound();
      return handlePool(
        {
          store,
          asyncOp: () => options.lro === 'async' || (options.lro === 'mixed' && lroRng() < 0.5),
          pollsToComplete: options.pollsToComplete ?? 1,
          opLink: (id) =>
            `${origin}/subscriptions/${subscription}/providers/Microsoft.Network/locations/eastus/operations/${id}?api-version=${version}`,
        },
        { req, text, rg, lb: name, pool: m[6] as string, send, fault, active },
      );
    }
    if (method === 'GET') {
      const body = store.get(kind, rg, name);
      if (body === undefined) throw notFound();
      return send(200, body);
    }
    if (!write)
      throw new ArmError(405, 'MethodNotAllowed', `The requested method ${method} is not allowed.`);
    checkPreconditions(req, store.etagOf(kind, rg, name));
    const asyncOp = options.lro === 'async' || (options.lro === 'mixed' && lroRng() < 0.5);
    const fail = asyncOp && (active.faults?.lroRng() ?? 1) < (active.faults?.opts.lroFailRate ?? 0);
    const opLink = (id: string, path: 'operations' | 'operationResults') =>
      `${origin}/subscriptions/${subscription}/providers/Microsoft.Network/locations/eastus/${path}/${id}?api-version=${version}`;
    if (method === 'DELETE') {
      const before = store.raw(kind, rg, name);
      if (!store.delete(kind, rg, name)) return send(204, undefined);
      if (fault === 'after-write')
        throw new ArmError(
          500,
          'InternalServerError',
          'Injected fault after the write was applied.',
        );
      if (!asyncOp) return send(200, undefined);
      const id = store.startOperation(kind, rg, name, {
        kind: 'delete',
        pollsLeft: options.pollsToComplete ?? 1,
        fail: false,
        before,
      });
      return send(202, undefined, {
        Location: opLink(id, 'operationResults'),
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ArmError(
        400,
        'InvalidRequestContent',
        'The request content was invalid and could not be deserialized.',
      );
    }
    if (!isObj(body))
      throw new ArmError(
        400,
        'InvalidRequestContent',
        'The request content must be a JSON object.',
      );
    const before = store.raw(kind, rg, name);
    const snapshot = before === undefined ? undefined : structuredClone(before);
    const { body: stored, created } = store.put(kind, rg, name, body);
    if (fault === 'after-write')
      throw new ArmError(500, 'InternalServerError', 'Injected fault after the write was applied.');
    if (!asyncOp) return send(created ? 201 : 200, stored);
    const id = store.startOperation(kind, rg, name, {
      kind: 'put',
      pollsLeft: options.pollsToComplete ?? 1,
      fail,
      before: snapshot,
    });
    const pending = store.get(kind, rg, name) as Obj;
    return send(created ? 201 : 200, pending, { 'Azure-AsyncOperation': opLink(id, 'operations') });
  }

  function pollOperation(
    path: string,
    id: string,
    url: URL,
    send: (s: number, b: unknown, h?: Record<string, string>) => void,
  ): void {
    const status = store.poll(id);
    if (status === undefined)
      throw new ArmError(404, 'OperationNotFound', `Operation ${id} was not found.`);
    if (path.toLowerCase() === 'operationresults') {
      if (status === 'InProgress') return send(202, undefined, { Location: url.href });
      return send(204, undefined);
    }
    if (status === 'Failed')
      return send(200, {
        status,
        error: { code: 'InternalServerError', message: `Injected failure of operation ${id}.` },
      });
    return send(200, { status });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint: origin,
    ca: cert,
    subscription,
    store,
    requests,
    count(filter = {}) {
      return requests.filter(
        (r) =>
          (filter.method === undefined || r.method === filter.method) &&
          (filter.kind === undefined || r.kind === filter.kind) &&
          (filter.status === undefined || r.status === filter.status) &&
          (filter.write === undefined ||
            (r.method === 'PUT' || r.method === 'DELETE') === filter.write),
      ).length;
    },
    setFaults(f, forToken) {
      if (forToken === undefined) globalFaults = faultState(f);
      else if (f === undefined) tokenFaults.delete(forToken);
      else tokenFaults.set(forToken, faultState(f) as FaultState);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
