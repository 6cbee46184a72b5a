import type { LoadBalancerIntent } from '../../src/core/intent.js';
import { intentFor, letteredNode, nodesFor, tcpHealthCheck } from '../support/intents.js';

/** Zones of node-a, node-b, node-c: two zones, so instance groups are per zone. */
const ZONES = ['us-central1-a', 'us-central1-b', 'us-central1-a'];

/** Intents as src/intent builds them, for the gcp tests (hand-written so they do not depend on src/intent). */
export function gcpIntent(overrides: Partial<LoadBalancerIntent> = {}): LoadBalancerIntent {
  return intentFor({
    service: { namespace: 'default', name: 'web', uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' },
    clusterName: 'prod',
    targets: nodesFor(
      {
        nodeName: letteredNode,
        providerID: (name, i) => `gce://proj-1/${ZONES[i - 1] ?? 'us-central1-a'}/${name}`,
      },
      3,
    ),
    healthCheck: tcpHealthCheck({
      intervalSeconds: 8,
      timeoutSeconds: 1,
      healthyThreshold: 1,
      unhealthyThreshold: 3,
    }),
    ...overrides,
  });
}
