import type { LoadBalancerIntent } from '../../src/core/intent.js';

/** A 2-port external TCP Service on two nodes; override what a test varies. */
export function intentFixture(over: Partial<LoadBalancerIntent> = {}): LoadBalancerIntent {
  return {
    service: { namespace: 'default', name: 'web', uid: '3f1c2b8e-0d4a-4c1e-9b7a-2a6f5e4d3c2b' },
    clusterName: 'prod',
    scheme: 'external',
    listeners: [
      { name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 },
      { name: 'https', protocol: 'TCP', port: 443, nodePort: 30443 },
    ],
    targets: [
      {
        nodeName: 'node-a',
        providerID: 'azure:///subscriptions/s/vm/node-a',
        internalIP: '10.240.0.4',
      },
      {
        nodeName: 'node-b',
        providerID: 'azure:///subscriptions/s/vm/node-b',
        internalIP: '10.240.0.5',
      },
    ],
    healthCheck: {
      protocol: 'TCP',
      port: 30080,
      intervalSeconds: 5,
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
    ...over,
  };
}

export const node = (name: string, ip: string) => ({
  nodeName: name,
  providerID: `azure:///subscriptions/s/vm/${name}`,
  internalIP: ip,
});
