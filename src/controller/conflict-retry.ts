import { isLbctlError } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import type { KubeApi } from './kube.js';

/** How a read-modify-write of a Service ended (see `updateServiceOnConflict`). */
export type ServiceUpdate =
  /** Written, or nothing needed writing: the Service as it now is. */
  | { kind: 'done'; service: Readonly<Service> }
  /** The Service does not exist (any more). */
  | { kind: 'gone' }
  /** Every attempt conflicted: the Service as last read. */
  | { kind: 'conflicting'; service: Readonly<Service> };

export interface ServiceUpdateOptions {
  /** PUTs tried at most, each after a fresh read when the previous one conflicted. */
  attempts: number;
  /**
   * The object to PUT, made from the Service as last read (a copy: never the caller's or the
   * informer's object), or undefined when nothing needs writing. Called once per attempt.
   */
  change: (current: Readonly<Service>) => Service | undefined;
}

/**
 * A read-modify-write of a Service under optimistic concurrency, like client-go's
 * `retry.RetryOnConflict`: the PUT carries the resourceVersion it was made from, and a 409
 * (someone wrote in between) or a 404 re-reads the Service and makes the change again from the
 * fresh copy. Any other error is thrown as it came.
 */
export async function updateServiceOnConflict(
  kube: Pick<KubeApi, 'getService' | 'updateService'>,
  service: Readonly<Service>,
  o: ServiceUpdateOptions,
): Promise<ServiceUpdate> {
  if (!Number.isInteger(o.attempts) || o.attempts < 1)
    throw new TypeError(`attempts must be an integer >= 1, got ${o.attempts}`);
  let current: Readonly<Service> | undefined = service;
  for (let attempt = 0; attempt < o.attempts && current !== undefined; attempt++) {
    const next = o.change(current);
    if (next === undefined) return { kind: 'done', service: current };
    try {
      return { kind: 'done', service: await kube.updateService(next) };
    } catch (e) {
      if (!(isLbctlError(e) && (e.kind === 'conflict' || e.kind === 'not-found'))) throw e;
      const { namespace = 'default', name } = current.metadata;
      current = await kube.getService(namespace, name);
    }
  }
  return current === undefined ? { kind: 'gone' } : { kind: 'conflicting', service: current };
}
