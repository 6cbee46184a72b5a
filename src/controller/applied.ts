import type { Service } from '../core/k8s.js';
import type { Resource } from '../core/resource.js';

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
 * What a reconcile depends on in a Service besides the nodes: spec, annotations, the
 * deletion mark and the UID. Status and finalizers are left out, so the controller's own
 * writes do not trigger another reconcile.
 */
export function specFingerprint(s: Readonly<Service>): string {
  return JSON.stringify([
    s.metadata.uid ?? '',
    s.metadata.deletionTimestamp ?? '',
    s.spec,
    s.metadata.annotations ?? {},
  ]);
}
