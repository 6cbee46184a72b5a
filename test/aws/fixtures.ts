import type { LoadBalancerIntent, Target } from '../../src/core/intent.js';

export const UID = '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

export const node = (n: number, zone = 'us-east-1a'): Target => ({
  nodeName: `node-${n}`,
  providerID: `aws:///${zone}/i-${n.toString(16).padStart(17, '0')}`,
  zone,
});

/** A 2-port TCP Service (http 80 → 30080, https 443 → 30443) on two nodes; override what a test needs. */
export function intent(overrides: Partial<LoadBalancerIntent> = {}): LoadBalancerIntent {
  return {
    service: { namespace: 'default', name: 'web', uid: UID },
    clusterName: 'test',
    scheme: 'external',
    listeners: [
      { name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 },
      { name: 'https', protocol: 'TCP', port: 443, nodePort: 30443 },
    ],
    targets: [node(1), node(2)],
    healthCheck: {
      protocol: 'TCP',
      port: 30080,
      intervalSeconds: 10,
      timeoutSeconds: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
    },
    sourceRanges: [],
    sessionAffinity: { type: 'None' },
    requestedIPs: [],
    ipFamilies: ['IPv4'],
    externalTrafficPolicy: 'Cluster',
    extraTags: {},
    options: {},
    ...overrides,
  };
}
