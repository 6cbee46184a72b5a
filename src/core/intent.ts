import type { IPFamily, Protocol, ServiceIdentity } from './k8s.js';

/**
 * A provider-neutral description of the load balancer one Service needs.
 * Built by src/intent from a Service and the Nodes (pure); every provider's `desired`
 * translates it into cloud resources and decides nothing about Kubernetes.
 * Arrays are sorted (listeners by protocol then port, targets by node name,
 * source ranges lexically) so that equal intents compare equal.
 */
export interface LoadBalancerIntent {
  service: ServiceIdentity;
  clusterName: string;
  scheme: 'external' | 'internal';
  listeners: Listener[];
  targets: Target[];
  healthCheck: HealthCheck;
  /** Normalised CIDRs. Empty means open to everyone (0.0.0.0/0 and ::/0 for the families in use). */
  sourceRanges: string[];
  sessionAffinity: SessionAffinity;
  /** From spec.loadBalancerIP or the provider's IP annotations, validated as IP addresses. */
  requestedIPs: string[];
  ipFamilies: IPFamily[];
  externalTrafficPolicy: 'Cluster' | 'Local';
  /** User tags from annotations, added to (never replacing) the ownership tags. */
  extraTags: Record<string, string>;
  options: ProviderOptions;
}

export interface Listener {
  /** The Service port's name, or `<protocol>-<port>` (lower case) when it has none. Unique per Service. */
  name: string;
  protocol: Protocol;
  port: number;
  nodePort: number;
}

export interface Target {
  nodeName: string;
  /** Verbatim spec.providerID, e.g. `aws:///us-east-1a/i-0abc`, `gce://project/zone/name`, `azure:///subscriptions/...`. */
  providerID: string;
  internalIP?: string;
  externalIP?: string;
  /** From the label topology.kubernetes.io/zone, when present. */
  zone?: string;
}

/**
 * What a health probe asks, which decides its port:
 * - `service`: externalTrafficPolicy Local — HTTP `/healthz` on the healthCheckNodePort, which
 *   kube-proxy answers 200 only on nodes with a ready endpoint of the Service;
 * - `kube-proxy`: HTTP `/healthz` on kube-proxy's own port 10256, which fails while the node is
 *   terminating (KEP-3836), so nodes drain before they go;
 * - `node-port`: TCP on a traffic nodePort; `port` is the first TCP listener's, and a cloud with
 *   one probe per listener (AWS target groups) probes each TCP listener's own nodePort;
 * - `custom`: an annotation fixed the port; every probe uses `port`.
 */
export type HealthCheckMode = 'service' | 'kube-proxy' | 'node-port' | 'custom';

export interface HealthCheck {
  mode: HealthCheckMode;
  protocol: 'TCP' | 'HTTP';
  port: number;
  path?: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export type SessionAffinity = { type: 'None' } | { type: 'ClientIP'; timeoutSeconds: number };

/** Validated provider-specific knobs from annotations; each provider reads only its own. */
export interface ProviderOptions {
  aws?: {
    proxyProtocol?: boolean;
    deregistrationDelaySeconds?: number;
    crossZoneLoadBalancing?: boolean;
    /** Subnet IDs or Name tags from service.beta.kubernetes.io/aws-load-balancer-subnets. */
    subnets?: string[];
    /** Elastic IP allocation IDs, one per subnet. */
    eipAllocations?: string[];
  };
  gcp?: {
    networkTier?: 'PREMIUM' | 'STANDARD';
  };
  azure?: {
    /** Resource group of the public IP, when not the cluster's. */
    pipResourceGroup?: string;
    /** Name of an existing public IP to use. */
    pipName?: string;
    /** Subnet for an internal load balancer frontend. */
    internalSubnet?: string;
  };
}
