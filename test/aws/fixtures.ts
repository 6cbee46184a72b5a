import type { LoadBalancerIntent, Target } from '../../src/core/intent.js';
import { intentFor, nodeFor } from '../support/intents.js';

export const UID = '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

export const node = (n: number, zone = 'us-east-1a'): Target =>
  nodeFor(
    {
      providerID: (_, i) => `aws:///${zone}/i-${i.toString(16).padStart(17, '0')}`,
      zone: () => zone,
    },
    n,
  );

/** A 2-port TCP Service (http 80 → 30080, https 443 → 30443) on two nodes; override what a test needs. */
export function intent(overrides: Partial<LoadBalancerIntent> = {}): LoadBalancerIntent {
  return intentFor({
    service: { namespace: 'default', name: 'web', uid: UID },
    targets: [node(1), node(2)],
    ...overrides,
  });
}
