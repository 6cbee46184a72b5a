import { isLbctlError } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import type { KubeApi } from './kube.js';

/** The finalizer of the Kubernetes service controller: the load balancer is cleaned up before the Service goes. */
export const FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

export const hasFinalizer = (s: Readonly<Service>): boolean =>
  (s.metadata.finalizers ?? []).includes(FINALIZER);

/**
 * Adds or removes the finalizer with an update (the spec is sent back as read, so nothing a
 * user wrote changes). A conflict re-reads the Service and tries again; a Service that is
 * already gone needs nothing. Returns the Service as the API server now has it.
 */
export async function setFinalizer(
  kube: Pick<KubeApi, 'getService' | 'updateService'>,
  service: Readonly<Service>,
  present: boolean,
): Promise<Service | undefined> {
  let current: Readonly<Service> | undefined = service;
  for (let attempt = 0; attempt < 5 && current !== undefined; attempt++) {
    if (hasFinalizer(current) === present) return current;
    // Never mutate the informer's object: work on a copy.
    const next = structuredClone(current) as Service;
    const others = (next.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
    next.metadata.finalizers = present ? [...others, FINALIZER] : others;
    try {
      return await kube.updateService(next);
    } catch (e) {
      if (!(isLbctlError(e) && (e.kind === 'conflict' || e.kind === 'not-found'))) throw e;
      const { namespace = 'default', name } = current.metadata;
      current = await kube.getService(namespace, name);
    }
  }
  if (current === undefined) return undefined;
  throw new Error(
    `could not ${present ? 'add' : 'remove'} finalizer ${FINALIZER} on Service ${current.metadata.namespace}/${current.metadata.name}: kept conflicting`,
  );
}
