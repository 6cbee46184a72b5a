import type { Node, Service } from '../../../src/core/k8s.js';

/** A LoadBalancer Service as an API server returns it: ClusterIP and NodePorts allocated. */
export function lbService(
  name: string,
  over: {
    namespace?: string;
    ports?: { name?: string; port: number; nodePort: number; protocol?: string }[];
    annotations?: Record<string, string>;
    spec?: Partial<Service['spec']>;
    index?: number;
  } = {},
): Service {
  const i = over.index ?? 1;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: over.namespace ?? 'default',
      ...(over.annotations === undefined ? {} : { annotations: over.annotations }),
    },
    spec: {
      type: 'LoadBalancer',
      selector: { app: name },
      clusterIP: `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      clusterIPs: [`10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      externalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      ports: (over.ports ?? [{ name: 'http', port: 80, nodePort: 30000 + (i % 2700) }]).map(
        (p) => ({
          protocol: 'TCP',
          targetPort: p.port,
          ...p,
        }),
      ),
      ...over.spec,
    },
  };
}

export function node(
  name: string,
  over: { labels?: Record<string, string>; providerID?: string } = {},
): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, ...(over.labels === undefined ? {} : { labels: over.labels }) },
    spec: { providerID: over.providerID ?? `local://${name}` },
    status: {
      addresses: [
        {
          type: 'InternalIP',
          address: `10.0.${Math.floor(Number(name.replace(/\D/g, '') || 0) / 250)}.${(Number(name.replace(/\D/g, '') || 0) % 250) + 1}`,
        },
      ],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}
