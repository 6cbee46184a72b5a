import type { LoadBalancerIntent, Target } from '../../src/core/intent.js';
import { intentFor, tcpHealthCheck } from '../support/intents.js';

/** A 2-port external TCP Service on two nodes; override what a test varies. */
export function intentFixture(over: Partial<LoadBalancerIntent> = {}): LoadBalancerIntent {
  return intentFor({
    service: { namespace: 'default', name: 'web', uid: '3f1c2b8e-0d4a-4c1e-9b7a-2a6f5e4d3c2b' },
    clusterName: 'prod',
    targets: [node('node-a', '10.240.0.4'), node('node-b', '10.240.0.5')],
    healthCheck: tcpHealthCheck({ intervalSeconds: 5 }),
    ...over,
  });
}

export const node = (name: string, ip: string): Target => ({
  nodeName: name,
  providerID: `azure:///subscriptions/s/vm/${name}`,
  internalIP: ip,
});
