import type { LoadBalancer } from '@azure/arm-network';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import { lastSegment } from './mapping.js';
import { isServiceChild } from './names.js';
import { T } from './schemas.js';
import {
  AZURE_CLUSTER_TAG,
  AZURE_RESOURCE_TAG,
  AZURE_SERVICE_TAG,
  AZURE_SERVICE_UID_TAG,
} from './tags.js';

/**
 * What the in-tree Azure provider (kubernetes-sigs/cloud-provider-azure, the
 * cloud-controller-manager) makes for a Service, as read in its source, and how lbctl recognises
 * it (pure; the takeover is ./adopt.ts). Names are lbctl's (./names.ts): the shared load balancer
 * `<cluster>` / `<cluster>-internal`, the frontend `a` + UID without dashes (32), rules
 * `<frontend>-<PROTOCOL>-<port>`, the public IP `<cluster>-<frontend>`. What differs:
 * - one backend pool per load balancer, `<cluster>` (`<cluster>-IPv6`), that every rule uses;
 * - rules with floating IP on, backend port = the Service port, outbound SNAT as configured
 *   (default: not disabled), idle timeout 4, TCP reset on (Standard);
 * - a probe per TCP port named like its rule (TCP on the nodePort, every 5 s, threshold 2), none
 *   for UDP; `externalTrafficPolicy: Local`: one HTTP probe `/healthz` on the healthCheckNodePort;
 * - tags only on the public IP: `k8s-azure-cluster-name: <cluster>` and `k8s-azure-service:
 *   <ns>/<name>` (a comma-separated list when Services share it); the load balancer carries only
 *   the cloud config's `tags`, so an internal Service has nothing tagged at all;
 * - security rules shared by all Services, `k8s-azure-lb_allow_IPv4_<md5 of protocol, sources,
 *   ports>` to the frontend IPs (before v1.30: per Service `<frontend>-<PROTOCOL>-<port>-<source>`).
 */
export const IN_TREE_PROVIDER = 'the in-tree Azure provider (cloud-controller-manager)';

/** Tag keys older in-tree versions wrote (consts.LegacyClusterNameKey, LegacyServiceTagKey). */
const LEGACY_CLUSTER_TAG = 'kubernetes-cluster-name';
const LEGACY_SERVICE_TAG = 'service';

type Tags = Readonly<Record<string, string>>;

/** The Services an in-tree public IP's service tag names (ns/name, comma-separated). */
export function inTreeServicesOf(tags: Tags): string[] {
  const v = tags[AZURE_SERVICE_TAG] ?? tags[LEGACY_SERVICE_TAG] ?? '';
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A public IP the in-tree provider made for exactly this Service of this cluster: its cluster and
 * service tags, no tag of lbctl's. A public IP shared by several Services is not taken over.
 */
export const isInTreePublicIP = (tags: Tags, clusterName: string, svc: ServiceIdentity): boolean =>
  isInTreePublicIPOf(tags, clusterName, `${svc.namespace}/${svc.name}`);

/** The same by the Service's `<ns>/<name>`. */
export function isInTreePublicIPOf(
  tags: Tags,
  clusterName: string,
  service: string | undefined,
): boolean {
  const cluster = tags[AZURE_CLUSTER_TAG] ?? tags[LEGACY_CLUSTER_TAG];
  const services = inTreeServicesOf(tags);
  return (
    service !== undefined &&
    cluster === clusterName &&
    services.length === 1 &&
    services[0] === service &&
    tags[AZURE_SERVICE_UID_TAG] === undefined &&
    tags[AZURE_RESOURCE_TAG] === undefined
  );
}

/**
 * Whether the Service's children on a load balancer are still in the in-tree shape: a rule with
 * floating IP, or one that forwards to a pool that is not the Service's own (the in-tree
 * `<cluster>` pool). lbctl's own rules never do either, so this tells a taken-over shared load
 * balancer's not-yet-adopted Services from lbctl's.
 */
export function hasInTreeChildren(lb: LoadBalancer, svc: ServiceIdentity): boolean {
  return (lb.loadBalancingRules ?? []).some(
    (r) =>
      isServiceChild(r.name ?? '', svc) &&
      (r.enableFloatingIP === true || !isServiceChild(lastSegment(r.backendAddressPool?.id), svc)),
  );
}

/** Whether a load balancer holds a frontend named for the Service. */
export const hasServiceFrontend = (lb: LoadBalancer, svc: ServiceIdentity): boolean =>
  (lb.frontendIPConfigurations ?? []).some((f) => isServiceChild(f.name ?? '', svc));

/** The refusal without `--adopt`, in the AWS wording. */
export const inTreeDetail = (svc: ServiceIdentity): string =>
  `it was made by ${IN_TREE_PROVIDER} for Service ${svc.namespace}/${svc.name}: take it over with lbctl plan/apply --adopt (docs/migrating.md) or delete it first`;

/**
 * The desired graph fitted for a takeover (ProviderModel.fitDesired, pure). Only while the
 * observed rules are the in-tree ones (`foreign`): each load-balancing rule also waits for its
 * security rule, so lbctl's security rule to the nodePort exists before the rule stops using
 * floating IP (and the in-tree rule to the frontend IP stops matching). Otherwise unchanged:
 * nothing of the in-tree shape has to be kept, every difference is an update in place.
 */
export function fitAdoption(
  desired: readonly Resource[],
  observed: readonly Resource[],
): Resource[] {
  const adopting = observed.some((r) => r.type === T.rule && r.foreign !== undefined);
  if (!adopting) return [...desired];
  const security = new Set(desired.filter((r) => r.type === T.securityRule).map(addressOf));
  return desired.map((r) => {
    const own = `${T.securityRule}.${r.name}`;
    if (r.type !== T.rule || !security.has(own)) return r;
    return { ...r, dependsOn: [...r.dependsOn, own] };
  });
}
