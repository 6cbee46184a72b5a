import type { Protocol, ServiceIdentity } from '../../src/core/k8s.js';

/**
 * Cloud names as the in-tree Azure cloud provider (kubernetes-sigs/cloud-provider-azure) writes
 * them, so load balancers made by the cloud-controller-manager can be recognised:
 * - the shared load balancers are `<cluster>` and `<cluster>-internal`, their backend pool `<cluster>`;
 * - a Service's frontend is `a` + its UID without dashes, cut to 32 characters;
 * - its rules `<frontend>-<PROTOCOL>-<port>`, its probe likewise with the health-check port;
 * - its public IP `<cluster>-<frontend>`, unless service.beta.kubernetes.io/azure-pip-name names one.
 */
export const serviceNamePrefix = (service: ServiceIdentity): string =>
  `a${service.uid.replaceAll('-', '')}`.slice(0, 32);

export const loadBalancerName = (clusterName: string, internal: boolean): string =>
  internal ? `${clusterName}-internal` : clusterName;

export const backendPoolName = (clusterName: string): string => clusterName;

export const ruleName = (
  service: ServiceIdentity,
  protocol: Protocol | string,
  port: number,
): string => `${serviceNamePrefix(service)}-${protocol.toUpperCase()}-${port}`;

export const publicIPName = (clusterName: string, service: ServiceIdentity): string =>
  `${clusterName}-${serviceNamePrefix(service)}`.slice(0, 80);

/** Whether a child of a shared load balancer or security group (frontend, rule, probe) belongs to the Service. */
export const isServiceChild = (childName: string, service: ServiceIdentity): boolean => {
  const prefix = serviceNamePrefix(service);
  return childName === prefix || childName.startsWith(`${prefix}-`);
};

/** Whether a child name follows the per-Service convention at all (any Service's). */
export const isAnyServiceChild = (childName: string): boolean =>
  /^a[0-9a-f]{31}(-|$)/.test(childName);

/** ARM's limit on a security rule's description. */
const DESCRIPTION_MAX = 140;

/**
 * A security rule's description says whose it is: children of a load balancer or security group
 * carry no tags and their in-tree names keep only 31 hex digits of the UID, so the ownership
 * sweep reads the full UID, the listener's graph name and (when it fits) the Service's name here.
 */
export function securityRuleDescription(service: ServiceIdentity, listener: string): string {
  const full = `lbctl ${service.uid} ${listener} ${service.namespace}/${service.name}`;
  return full.length <= DESCRIPTION_MAX ? full : `lbctl ${service.uid} ${listener}`;
}

export function parseSecurityRuleDescription(
  description: string | undefined,
): { uid: string; listener: string; namespace?: string; name?: string } | undefined {
  const m = /^lbctl ([0-9a-f-]{36}) (\S+)(?: ([^/\s]+)\/(\S+))?$/.exec(description ?? '');
  if (m === null) return undefined;
  return {
    uid: m[1] as string,
    listener: m[2] as string,
    ...(m[3] === undefined ? {} : { namespace: m[3], name: m[4] as string }),
  };
}
