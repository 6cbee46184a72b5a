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
