import type { ServiceIdentity } from '../../src/core/k8s.js';
import { loadBalancerName, trafficFirewallName } from './names.js';

/**
 * What the in-tree GCE provider (kubernetes/cloud-provider-gcp, gce_loadbalancer_external.go
 * and gce_loadbalancer_naming.go) creates for one external Service with a target pool, so a
 * migration can recognise it. Pure. Not wired into observe yet: `lbctl plan --adopt` is not
 * built, and lbctl never touches a resource without its ownership; see docs/migrating.md.
 */
export interface InTreeExternal {
  /** Regional forwarding rule, target = the target pool; its IP is ephemeral once created. */
  forwardingRule: string;
  targetPool: string;
  /** Only while the in-tree provider works on the rule (it releases its static IP afterwards) or when the user reserved one. */
  address: string;
  /** Legacy (global) HTTP health check: the cluster's shared one, or the Service's own for Local traffic. */
  httpHealthCheck: string;
  trafficFirewall: string;
  healthCheckFirewall: string;
  /** Description of the forwarding rule, target pool, address and health check. */
  description: string;
}

export interface InTreeOptions {
  /** The cluster ID the in-tree provider was given (`k8s-<id>-node`). */
  clusterID: string;
  /** externalTrafficPolicy Local: a per-Service health check on the healthCheckNodePort. */
  local: boolean;
}

export function inTreeExternal(service: ServiceIdentity, options: InTreeOptions): InTreeExternal {
  const lb = loadBalancerName(service);
  const nodes = `k8s-${options.clusterID}-node`;
  const hc = options.local ? lb : nodes;
  return {
    forwardingRule: lb,
    targetPool: lb,
    address: lb,
    httpHealthCheck: hc,
    // The same name as lbctl's traffic firewall: observe refuses it (not owned) until adopted.
    trafficFirewall: trafficFirewallName(lb),
    healthCheckFirewall: options.local ? `k8s-${hc}-http-hc` : `${nodes}-http-hc`,
    description: JSON.stringify({ 'kubernetes.io/service-name': keyOf(service) }),
  };
}

/** True when a description is the in-tree provider's for this Service: its name, and no UID (lbctl's descriptions carry the UID). */
export function isInTreeDescription(
  description: string | undefined,
  service: ServiceIdentity,
): boolean {
  if (description === undefined || description === '') return false;
  try {
    const o = JSON.parse(description) as Record<string, unknown>;
    return (
      o['kubernetes.io/service-name'] === keyOf(service) && !('kubernetes.io/service-uid' in o)
    );
  } catch {
    return false;
  }
}

/**
 * The migration that keeps the IP, in order: promote first (the forwarding rule's ephemeral IP
 * becomes lbctl's reserved address), build the backend-service side beside the target pool,
 * switch the forwarding rule (Google cannot point a forwarding rule at a backend service in
 * place), and delete the target pool and its health check last.
 */
export function migrationSteps(names: InTreeExternal, ip: string): string[] {
  return [
    `promote ${ip}: addresses.insert ${names.address} with address ${ip} (lbctl's labels)`,
    'create the health check, the network endpoint groups and the backend service',
    `take over firewall ${names.trafficFirewall} (update to lbctl's rule and description)`,
    `delete forwarding rule ${names.forwardingRule} (target pool), then create it on ${names.address} with the backend service`,
    `delete target pool ${names.targetPool}`,
    `delete firewall ${names.healthCheckFirewall} and HTTP health check ${names.httpHealthCheck} when no other Service uses them`,
  ];
}

const keyOf = (s: ServiceIdentity) => `${s.namespace}/${s.name}`;
