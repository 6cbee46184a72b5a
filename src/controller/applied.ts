import { createHash } from 'node:crypto';
import type { Service } from '../core/k8s.js';
import type { Resource } from '../core/resource.js';
import { updateServiceOnConflict } from './conflict-retry.js';
import type { KubeApi } from './kube.js';

/**
 * What the controller last applied (or observed converged) per Service key. A node change
 * plans against it instead of re-reading the cloud; periodic verification re-observes and
 * compares. It lives in memory: after a restart every Service is observed once.
 */
export interface AppliedState {
  uid: string;
  /** The spec and annotations the resources were built from (see `specFingerprint`). */
  fingerprint: string;
  resources: Resource[];
}

/**
 * The hash of the spec the Service's load balancer was last converged to, kept on the Service
 * so that a restarted controller can tell a converged Service (verified later, spread over the
 * interval) from one that changed while it was down (reconciled first). The same idea as the
 * checksum annotations operators keep on the objects they manage.
 */
export const APPLIED_ANNOTATION = 'controller.lbctl.io/applied-spec';

/**
 * What a reconcile depends on in a Service besides the nodes: spec, annotations, the
 * deletion mark and the UID. Status, finalizers and our own applied-spec annotation are left
 * out, so the controller's own writes do not trigger another reconcile. Keys are sorted at
 * every level: the same Service read twice (a list, then a watch event, in whatever key order
 * the decoder produced) has one fingerprint.
 */
export function specFingerprint(s: Readonly<Service>): string {
  const annotations = { ...(s.metadata.annotations ?? {}) };
  delete annotations[APPLIED_ANNOTATION];
  return canonical([s.metadata.uid ?? '', s.metadata.deletionTimestamp ?? '', s.spec, annotations]);
}

export const specHash = (s: Readonly<Service>): string =>
  createHash('sha256').update(specFingerprint(s)).digest('hex').slice(0, 32);

/** Whether the Service says it was converged to exactly its current spec (see APPLIED_ANNOTATION). */
export function looksConverged(s: Readonly<Service>, hasOurFinalizer: boolean): boolean {
  return (
    hasOurFinalizer &&
    s.metadata.deletionTimestamp === undefined &&
    (s.status?.loadBalancer?.ingress?.length ?? 0) > 0 &&
    s.metadata.annotations?.[APPLIED_ANNOTATION] === specHash(s)
  );
}

/**
 * Records on the Service the spec its load balancer now matches, when it differs (one update
 * per spec change; a conflict re-reads and tries again). Returns the Service as it now is.
 */
export async function recordApplied(
  kube: Pick<KubeApi, 'getService' | 'updateService'>,
  latest: Readonly<Service>,
  /** specHash of the Service as it was planned (the cache's copy), not of a newer read. */
  hash: string,
): Promise<Readonly<Service> | undefined> {
  const r = await updateServiceOnConflict(kube, latest, {
    attempts: 3,
    change: (current) => {
      // Changed since it was applied: the reconcile its change queued records it.
      if (specHash(current) !== hash) return undefined;
      if (current.metadata.annotations?.[APPLIED_ANNOTATION] === hash) return undefined;
      const next = structuredClone(current) as Service;
      next.metadata.annotations = {
        ...(next.metadata.annotations ?? {}),
        [APPLIED_ANNOTATION]: hash,
      };
      return next;
    },
  });
  // Only an optimisation for the next restart: never fail a reconcile over it.
  return r.kind === 'gone' ? undefined : r.service;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
