import type { ServiceIdentity } from './k8s.js';

/**
 * Every tag key lbctl reads or writes on cloud resources, in one place.
 *
 * - `kubernetes.io/cluster/<cluster>: owned` is the ownership tag the in-tree AWS provider and
 *   the AWS Load Balancer Controller use; lbctl never modifies or deletes a resource without it.
 * - `kubernetes.io/service-name: <namespace>/<name>` finds the resources of one Service
 *   (the in-tree providers write the same key).
 * - `kubernetes.io/service-uid` tells two incarnations of a same-named Service apart.
 * - `lbctl.io/resource: <type.name>` maps a cloud resource back to its address in the graph,
 *   so observe needs no name parsing.
 *
 * Clouds whose tags cannot hold these keys (Google labels, Azure tag names without `/`)
 * map them in their provider's tags module; the meaning stays the same.
 */
export const CLUSTER_TAG_PREFIX = 'kubernetes.io/cluster/';
export const OWNED = 'owned';
export const SERVICE_NAME_TAG = 'kubernetes.io/service-name';
export const SERVICE_UID_TAG = 'kubernetes.io/service-uid';
export const RESOURCE_TAG = 'lbctl.io/resource';

/**
 * What can stand in `kubernetes.io/cluster/<name>`: never empty, nothing that splits or breaks a
 * tag key. EKS's own rule for cluster names (letters, digits, - and _, at most 100), which
 * covers the DNS labels other clusters use; the in-tree providers tag with that name.
 */
export const CLUSTER_NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
export const CLUSTER_NAME_ALLOWED =
  'must be a cluster name: letters, digits, - and _, starting with a letter or digit, at most 100 characters';

export const clusterTagKey = (clusterName: string): string => `${CLUSTER_TAG_PREFIX}${clusterName}`;

export function ownershipTags(
  clusterName: string,
  service: ServiceIdentity,
  address: string,
): Record<string, string> {
  return {
    [clusterTagKey(clusterName)]: OWNED,
    [SERVICE_NAME_TAG]: `${service.namespace}/${service.name}`,
    [SERVICE_UID_TAG]: service.uid,
    [RESOURCE_TAG]: address,
  };
}

export const isOwnedBy = (tags: Readonly<Record<string, string>>, clusterName: string): boolean =>
  tags[clusterTagKey(clusterName)] === OWNED;
