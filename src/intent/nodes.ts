import type { Node } from '../core/k8s.js';
import type { Target } from '../core/intent.js';
import type { ProviderName } from '../core/provider.js';

/**
 * Node predicates, after the Kubernetes service controller's: small, pure, combined by
 * `isEligibleNode`. Readiness is deliberately not one of them: a NotReady node may still
 * forward traffic, and removing it from every load balancer on a kubelet hiccup causes more
 * churn and outages than it prevents (the load balancer's own health check decides).
 */

export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
export const AUTOSCALER_TAINT = 'ToBeDeletedByClusterAutoscaler';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Go's strconv.ParseBool, which Kubernetes uses for boolean labels; undefined when unparsable. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Labelled exclude-from-external-load-balancers with a true value, or a value that is not a boolean (fail safe: exclude). */
export function isExcludedByLabel(node: Node): boolean {
  const value = node.metadata.labels?.[EXCLUDE_LABEL];
  if (value === undefined) return false;
  return parseGoBool(value) !== false;
}

/** The cluster autoscaler is draining it and will delete it. */
export const isMarkedForScaleDown = (node: Node): boolean =>
  (node.spec?.taints ?? []).some((t) => t.key === AUTOSCALER_TAINT);

export const isBeingDeleted = (node: Node): boolean => !!node.metadata.deletionTimestamp;

/** Without spec.providerID the cloud node controller has not initialised the node yet; it cannot be a target. */
export const hasProviderID = (node: Node): boolean => !!node.spec?.providerID;

const SCHEMES: Partial<Record<ProviderName, string>> = {
  aws: 'aws://',
  gcp: 'gce://',
  azure: 'azure://',
};

/** Whether the node's providerID is one of this cloud's (any for providers without a scheme, e.g. local). */
export function isProviderNode(node: Node, provider: ProviderName): boolean {
  const scheme = SCHEMES[provider];
  return scheme === undefined || (node.spec?.providerID ?? '').startsWith(scheme);
}

/** A node that belongs behind a load balancer. */
export const isEligibleNode = (node: Node): boolean =>
  hasProviderID(node) &&
  !isExcludedByLabel(node) &&
  !isMarkedForScaleDown(node) &&
  !isBeingDeleted(node);

export function toTarget(node: Node): Target {
  let internalIP: string | undefined;
  let externalIP: string | undefined;
  for (const a of node.status?.addresses ?? []) {
    if (a.type === 'InternalIP') internalIP ??= a.address;
    else if (a.type === 'ExternalIP') externalIP ??= a.address;
  }
  const zone = node.metadata.labels?.[ZONE_LABEL];
  return {
    nodeName: node.metadata.name,
    providerID: node.spec?.providerID ?? '',
    ...(internalIP === undefined ? {} : { internalIP }),
    ...(externalIP === undefined ? {} : { externalIP }),
    ...(zone === undefined ? {} : { zone }),
  };
}

/** The eligible nodes of this cloud as targets, sorted by node name. */
export function eligibleTargets(nodes: readonly Node[], provider: ProviderName): Target[] {
  return nodes
    .filter((n) => isEligibleNode(n) && isProviderNode(n, provider))
    .map(toTarget)
    .sort((a, b) => (a.nodeName < b.nodeName ? -1 : a.nodeName > b.nodeName ? 1 : 0));
}
