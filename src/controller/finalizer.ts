import type { Service } from '../core/k8s.js';
import { updateServiceOnConflict } from './conflict-retry.js';
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
  const r = await updateServiceOnConflict(kube, service, {
    attempts: 5,
    change: (current) => {
      if (hasFinalizer(current) === present) return undefined;
      // Never mutate the informer's object: work on a copy.
      const next = structuredClone(current) as Service;
      const others = (next.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
      next.metadata.finalizers = present ? [...others, FINALIZER] : others;
      return next;
    },
  });
  if (r.kind === 'done') return r.service;
  if (r.kind === 'gone') return undefined;
  throw new Error(
    `could not ${present ? 'add' : 'remove'} finalizer ${FINALIZER} on Service ${r.service.metadata.namespace}/${r.service.metadata.name}: kept conflicting`,
  );
}
