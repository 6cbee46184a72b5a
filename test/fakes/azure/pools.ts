import type { IncomingMessage } from 'node:http';
import { ArmError, isObj } from './arm.js';
import { checkPreconditions } from './conditions.js';
import type { FaultState, pickFault } from './faults.js';
import type { FakeStore } from './store.js';

/** What the pool handler needs of the server: the store and how writes complete. */
export interface PoolWorld {
  store: FakeStore;
  /** Whether this write completes as a long-running operation. */
  asyncOp: () => boolean;
  pollsToComplete: number;
  /** The Azure-AsyncOperation URL of an operation. */
  opLink: (id: string) => string;
}

/**
 * `loadBalancers/{lb}/backendAddressPools/{pool}` GET and PUT: the API through which IP-based
 * members are set (Microsoft, "Backend pool management"). If-Match compares the pool's etag,
 * which is its load balancer's; a PUT answers at once or as a long-running operation like any
 * other. DELETE is not served (lbctl removes pools with the load balancer's PUT): stricter
 * than ARM, never more lenient.
 */
export function handlePool(
  w: PoolWorld,
  o: {
    req: IncomingMessage;
    text: string;
    rg: string;
    lb: string;
    pool: string;
    send: (s: number, b: unknown, h?: Record<string, string>) => void;
    fault: ReturnType<typeof pickFault>;
    active: { faults: FaultState | undefined };
  },
): void {
  const method = o.req.method ?? 'GET';
  const notFound = () =>
    new ArmError(
      404,
      'NotFound',
      `Resource ${o.lb}/backendAddressPools/${o.pool} under resource group '${o.rg}' was not found.`,
    );
  if (method === 'GET') {
    const body = w.store.getPool(o.rg, o.lb, o.pool);
    if (body === undefined) throw notFound();
    return o.send(200, body);
  }
  if (method !== 'PUT')
    throw new ArmError(405, 'MethodNotAllowed', `The requested method ${method} is not allowed.`);
  const pool = w.store.getPool(o.rg, o.lb, o.pool);
  checkPreconditions(o.req, pool === undefined ? undefined : String(pool.etag));
  let body: unknown;
  try {
    body = JSON.parse(o.text);
  } catch {
    throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid.');
  }
  if (!isObj(body))
    throw new ArmError(400, 'InvalidRequestContent', 'The request content must be a JSON object.');
  const before = w.store.raw('loadBalancers', o.rg, o.lb);
  const snapshot = before === undefined ? undefined : structuredClone(before);
  const { body: stored, created } = w.store.putPool(o.rg, o.lb, o.pool, body);
  if (o.fault === 'after-write')
    throw new ArmError(500, 'InternalServerError', 'Injected fault after the write was applied.');
  // The same long-running-operation forms as any PUT: the pool's load balancer is busy until done.
  const asyncOp = w.asyncOp();
  if (!asyncOp) return o.send(created ? 201 : 200, stored);
  const fail = (o.active.faults?.lroRng() ?? 1) < (o.active.faults?.opts.lroFailRate ?? 0);
  const id = w.store.startOperation('loadBalancers', o.rg, o.lb, {
    kind: 'put',
    pollsLeft: w.pollsToComplete,
    fail,
    before: snapshot,
  });
  return o.send(created ? 201 : 200, stored, {
    'Azure-AsyncOperation': w.opLink(id),
  });
}
