// The Service the providers' refusedPorts tests share: a LoadBalancer with whatever ports a
// test gives, its layers already allocated.
import type { Service } from '../../src/core/k8s.js';

export const mixedPortsService = (ports: NonNullable<Service['spec']['ports']>): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'mixed', namespace: 'default', uid: '0f0e0d0c-0b0a-4909-8807-060504030201' },
  spec: {
    type: 'LoadBalancer',
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    ipFamilies: ['IPv4'],
    selector: { app: 'mixed' },
    ports,
  },
});
