// One builder for the LoadBalancerIntent fixtures of every provider's tests: what a test varies
// (and each provider's node naming) is passed in, the rest is a plain 2-port TCP Service.
import type { HealthCheck, LoadBalancerIntent, Target } from '../../src/core/intent.js';

/** TCP health check every 10 s against the first NodePort, as most fixtures use it. */
export function tcpHealthCheck(overrides: Partial<HealthCheck> = {}): HealthCheck {
  return {
    mode: 'node-port',
    protocol: 'TCP',
    port: 30080,
    intervalSeconds: 10,
    timeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    ...overrides,
  };
}

/**
 * An external Service with http 80 → 30080 and https 443 → 30443 in cluster `test`; the caller
 * gives the Service and its targets (provider-specific), and overrides whatever else it varies.
 * Every call builds fresh objects, so a test may change what it gets.
 */
export function intentFor(
  overrides: Partial<LoadBalancerIntent> & Pick<LoadBalancerIntent, 'service' | 'targets'>,
): LoadBalancerIntent {
  const { service, targets, ...rest } = overrides;
  return {
    service,
    clusterName: 'test',
    scheme: 'external',
    listeners: [
      { name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 },
      { name: 'https', protocol: 'TCP', port: 443, nodePort: 30443 },
    ],
    targets,
    healthCheck: tcpHealthCheck(),
    sourceRanges: [],
    sessionAffinity: { type: 'None' },
    requestedIPs: [],
    ipFamilies: ['IPv4'],
    externalTrafficPolicy: 'Cluster',
    extraTags: {},
    options: {},
    ...rest,
  };
}

/** How a provider's nodes look: the parts of a Target that differ between clouds. */
export interface NodeStyle {
  /** Defaults to `node-<i>`. */
  nodeName?: (i: number) => string;
  providerID: (nodeName: string, i: number) => string;
  zone?: (i: number) => string;
  internalIP?: (i: number) => string;
}

/** The i-th node (1-based) in a provider's style. */
export function nodeFor(style: NodeStyle, i: number): Target {
  const nodeName = style.nodeName?.(i) ?? `node-${i}`;
  return {
    nodeName,
    providerID: style.providerID(nodeName, i),
    ...(style.zone === undefined ? {} : { zone: style.zone(i) }),
    ...(style.internalIP === undefined ? {} : { internalIP: style.internalIP(i) }),
  };
}

/** Nodes 1..count in a provider's style. */
export function nodesFor(style: NodeStyle, count: number): Target[] {
  return Array.from({ length: count }, (_, k) => nodeFor(style, k + 1));
}

/** `node-a`, `node-b`, … for the i-th node (1-based). */
export const letteredNode = (i: number): string => `node-${String.fromCharCode(96 + i)}`;
