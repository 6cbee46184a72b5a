import { isLbctlError } from '../core/errors.js';
import type { LoadBalancerIngress, Service } from '../core/k8s.js';
import { parseKey } from '../core/k8s.js';
import type { KubeApi } from './kube.js';
import { conditionsPatch, provisioned, type ConditionInput } from './conditions.js';
import { statusPatch } from './status.js';

export interface StatusWriter {
  kube: Pick<KubeApi, 'patchServiceStatus'>;
  /** Milliseconds since the epoch, for lastTransitionTime. */
  now: () => number;
}

/**
 * One patch of the status subresource with the load balancer ingress (when given) and lbctl's
 * conditions, or none at all when the Service already says all of it (status is written only
 * when it changed). Returns the Service as the patch left it, or undefined when nothing was
 * written.
 */
export async function writeServiceStatus(
  w: StatusWriter,
  key: string,
  service: Service,
  o: { ingress?: readonly LoadBalancerIngress[]; conditions: readonly ConditionInput[] },
): Promise<Service | undefined> {
  const lb = o.ingress === undefined ? undefined : statusPatch(service, o.ingress);
  const conditions = conditionsPatch(service, o.conditions, w.now());
  if (lb === undefined && conditions === undefined) return undefined;
  const { namespace, name } = parseKey(key);
  return w.kube.patchServiceStatus(namespace, name, {
    ...(lb ?? {}),
    ...(conditions === undefined ? {} : { conditions }),
  });
}

/**
 * After a failed reconcile: the LoadBalancerProvisioned condition says why, `WaitingForCloud`
 * while the cloud is still working, `CloudError` otherwise. Best effort: a failure to write is
 * the caller's to log, the reconcile is retried anyway.
 */
export async function writeFailure(
  w: StatusWriter,
  key: string,
  service: Service,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const waiting = isLbctlError(error) && error.kind === 'provisioning';
  await writeServiceStatus(w, key, service, {
    conditions: [provisioned(waiting ? 'WaitingForCloud' : 'CloudError', message)],
  });
}
