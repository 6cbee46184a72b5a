import type { LoadBalancerIntent } from '../../src/core/intent.js';

/** Intents as src/intent builds them, for the gcp tests (hand-written so they do not depend on src/intent). */
export function gcpIntent(overrides: Partial<LoadBalancerIntent> = {}): LoadBalancerIntent {
  return {
    service: { namespace: 'default', name: 'web', uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' },
    clusterName: 'prod',
    scheme: 'external',
    listeners: [
      { name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 },
      { name: 'https', protocol: 'TCP', port: 443, nodePort: 30443 },
    ],
    targets: [
      { nodeName: 'node-a', providerID: 'gce://proj-1/us-central1-a/node-a' },
      { nodeName: 'node-b', providerID: 'gce://proj-1/us-central1-b/node-b' },
      { nodeName: 'node-c', providerID: 'gce://proj-1/us-central1-a/node-c' },
    ],
    healthCheck: {
      protocol: 'TCP',
      port: 30080,
      intervalSeconds: 8,
      timeoutSeconds: 1,
      healthyThreshold: 1,
      unhealthyThreshold: 3,
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
