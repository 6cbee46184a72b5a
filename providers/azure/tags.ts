import type { ServiceIdentity } from '../../src/core/k8s.js';

/**
 * Azure tag names cannot contain `<`, `>`, `%`, `&`, `\`, `?` or `/`, so the keys of
 * src/core/tags.ts are mapped here. Where the in-tree Azure cloud provider has a key of the same
 * meaning, lbctl uses it, so resources made by the cloud-controller-manager can be recognised:
 *
 * | src/core/tags.ts                        | Azure tag                 | value            |
 * |-----------------------------------------|---------------------------|------------------|
 * | `kubernetes.io/cluster/<cluster>: owned` | `k8s-azure-cluster-name`  | `<cluster>`      |
 * | `kubernetes.io/service-name`            | `k8s-azure-service`       | `<ns>/<name>`    |
 * | `kubernetes.io/service-uid`             | `k8s-azure-service-uid`   | `<uid>`          |
 * | `lbctl.io/resource`                     | `lbctl-resource`          | `<type>.<name>`  |
 *
 * The shared load balancer carries only the cluster and resource tags: it belongs to the cluster,
 * not to one Service. Its frontends, rules and probes (and the rules of the network security
 * group) cannot carry tags at all; they belong to a Service by their in-tree names
 * (`a<uid>...`, see names.ts) inside a parent that carries this cluster's tag.
 */
export const AZURE_CLUSTER_TAG = 'k8s-azure-cluster-name';
export const AZURE_SERVICE_TAG = 'k8s-azure-service';
export const AZURE_SERVICE_UID_TAG = 'k8s-azure-service-uid';
export const AZURE_RESOURCE_TAG = 'lbctl-resource';

/** Characters Azure refuses in tag names. */
export const FORBIDDEN_TAG_NAME = /[<>%&\\?/]/;

const sorted = (tags: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Tags of a resource owned by one Service (public IPs); user tags never override ownership. */
export function serviceTags(
  clusterName: string,
  service: ServiceIdentity,
  address: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return sorted({
    ...extra,
    [AZURE_CLUSTER_TAG]: clusterName,
    [AZURE_SERVICE_TAG]: `${service.namespace}/${service.name}`,
    [AZURE_SERVICE_UID_TAG]: service.uid,
    [AZURE_RESOURCE_TAG]: address,
  });
}

/** Tags of a resource shared by every Service of the cluster (the load balancers). */
export function sharedTags(clusterName: string, address: string): Record<string, string> {
  return sorted({ [AZURE_CLUSTER_TAG]: clusterName, [AZURE_RESOURCE_TAG]: address });
}

export const isAzureOwned = (
  tags: Readonly<Record<string, string>> | undefined,
  clusterName: string,
): boolean => tags?.[AZURE_CLUSTER_TAG] === clusterName;
