import type { LayersConfig } from '../layers/index.js';
import { formatIP, parseCIDR } from '../layers/ip.js';
import type { KObject } from './json.js';
import { arr, obj } from './json.js';
import type { Registry } from './registry.js';
import { resourceFor } from './resources.js';

const SERVICES = resourceFor('services');

/**
 * The first usable address of the primary service CIDR (10.96.0.1 for 10.96.0.0/12): the
 * API server reserves it for its own `kubernetes` Service in every cluster.
 */
export function apiServerClusterIP(layers: LayersConfig): string {
  const primary = layers.serviceCIDRs[0];
  const cidr = primary === undefined ? undefined : parseCIDR(primary);
  if (cidr === undefined)
    throw new TypeError(`the sandbox needs a service CIDR, got ${JSON.stringify(primary)}`);
  return formatIP(cidr.family, cidr.network + 1n);
}

/**
 * Creates `default/kubernetes` as a real API server does at start (ClusterIP, 443 → 6443
 * `https`, no selector), so clients see a real cluster's Services and the allocator never
 * hands its address to another Service. A snapshot that already has it keeps its own; an
 * older snapshot whose Services already hold the address is left as it is rather than
 * failing to start.
 */
export function ensureKubernetesService(registry: Registry, layers: LayersConfig): void {
  const clusterIP = apiServerClusterIP(layers);
  const services = registry.store.list(SERVICES.storage);
  const present = services.some(
    (s) => s.metadata['namespace'] === 'default' && s.metadata['name'] === 'kubernetes',
  );
  if (present || services.some((s) => holds(s, clusterIP))) return;
  registry.create(SERVICES, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }],
    },
  });
}

function holds(svc: KObject, ip: string): boolean {
  const spec = obj(svc['spec']);
  return spec?.['clusterIP'] === ip || arr(spec?.['clusterIPs']).includes(ip);
}
