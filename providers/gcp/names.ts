import type { Protocol, ServiceIdentity } from '../../src/core/k8s.js';

/**
 * Cloud names, following the in-tree GCE provider (k8s.io/legacy-cloud-providers/gce,
 * gce_loadbalancer_naming.go) so that load balancers made by the cloud-controller-manager can
 * be recognised:
 * - the load balancer name is 'a' + the Service UID without dashes, cut to 32 characters;
 * - the traffic firewall is `k8s-fw-<lb name>`, the health-check firewall `<lb name>-hc`
 *   (the internal load balancer's convention, which this backend-service design follows);
 * - the backends are zonal GCE_VM_IP network endpoint groups of the Service, one per zone,
 *   named like the load balancer (NEG names are zonal). Unlike instance groups (in-tree
 *   `k8s-ig--<cluster id>`, shared by all Services because a VM may be in only one
 *   load-balanced instance group), a VM may be an endpoint of any number of them, so each
 *   Service owns its backends outright and its node set is its own.
 * A Service with TCP and UDP ports gets one backend service and one forwarding rule per
 * protocol: TCP keeps the plain name, the others get `-udp`.
 */
export function loadBalancerName(service: Pick<ServiceIdentity, 'uid'>): string {
  return `a${service.uid.replaceAll('-', '')}`.slice(0, 32);
}

export const trafficFirewallName = (lbName: string): string => `k8s-fw-${lbName}`;
export const healthCheckFirewallName = (lbName: string): string => `${lbName}-hc`;

export const perProtocolName = (lbName: string, protocol: Protocol): string =>
  protocol === 'TCP' ? lbName : `${lbName}-${protocol.toLowerCase()}`;

/** Terraform-like resource types of this provider. */
export const T = {
  address: 'google_compute_address',
  healthCheck: 'google_compute_region_health_check',
  backendService: 'google_compute_region_backend_service',
  endpointGroup: 'google_compute_network_endpoint_group',
  forwardingRule: 'google_compute_forwarding_rule',
  firewall: 'google_compute_firewall',
  /** Only ever observed: the in-tree provider's, deleted by a migration (providers/gcp/intree.ts). */
  targetPool: 'google_compute_target_pool',
  httpHealthCheck: 'google_compute_http_health_check',
} as const;

/** Local names inside one Service's graph (the part after the dot of an address). */
export const N = {
  address: 'this',
  healthCheck: 'this',
  trafficFirewall: 'traffic',
  healthCheckFirewall: 'health_check',
  /** Backend services and forwarding rules are named by protocol: `tcp`, `udp`. */
  protocol: (p: Protocol): string => p.toLowerCase(),
  /** Network endpoint groups are named by zone: `us-central1-a`. */
  zone: (zone: string): string => zone,
} as const;

/**
 * Google's health-check probe ranges. Google documents 35.191.0.0/16, 209.85.152.0/22 and
 * 209.85.204.0/22 for external passthrough Network Load Balancers and 35.191.0.0/16 plus
 * 130.211.0.0/22 for internal ones; the in-tree provider (L4LoadBalancerSrcRanges) allows all
 * four for both, and so does lbctl, so that a scheme change never strands a probe.
 */
export const HEALTH_CHECK_RANGES: readonly string[] = [
  '130.211.0.0/22',
  '209.85.152.0/22',
  '209.85.204.0/22',
  '35.191.0.0/16',
];
