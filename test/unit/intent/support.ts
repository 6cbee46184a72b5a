import type { LoadBalancerIntent } from '../../../src/core/intent.js';
import type { ServiceSpec } from '../../../src/core/k8s.js';
import type { ProviderName } from '../../../src/core/provider.js';
import { buildIntent } from '../../../src/intent/index.js';
import { lb, node } from '../fixtures.js';

export const NODES = {
  aws: [node('n1', { providerID: 'aws:///us-east-1a/i-1' })],
  gcp: [node('n1', { providerID: 'gce://p/us-central1-a/n1' })],
  azure: [
    node('n1', {
      providerID:
        'azure:///subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/n1',
    }),
  ],
  local: [node('n1', { providerID: 'kind://docker/kind/n1' })],
};

/** A LoadBalancer Service whose layers are allocated, with the given annotations and spec. */
export function allocatedLb(
  annotations: Record<string, string> = {},
  spec: Partial<ServiceSpec> = {},
) {
  return lb(
    'web',
    {
      clusterIP: '10.96.1.1',
      clusterIPs: ['10.96.1.1'],
      ipFamilies: ['IPv4'],
      ports: [{ port: 80, nodePort: 30080 }],
      ...spec,
    },
    { uid: 'uid-1', annotations },
  );
}

export function intentOf(
  annotations: Record<string, string> = {},
  spec: Partial<ServiceSpec> = {},
  provider: ProviderName = 'aws',
): LoadBalancerIntent {
  return buildIntent(allocatedLb(annotations, spec), NODES[provider], {
    clusterName: 'demo',
    provider,
  });
}
