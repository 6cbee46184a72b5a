import type { Node, Service, ServiceSpec } from '../../src/core/k8s.js';

/** A Service in namespace `default` with the given spec (tests only). */
export function service(
  name: string,
  spec: ServiceSpec,
  extra: Partial<Service['metadata']> = {},
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', ...extra },
    spec,
  };
}

export function lb(
  name: string,
  spec: Partial<ServiceSpec> = {},
  extra: Partial<Service['metadata']> = {},
): Service {
  return service(name, { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec }, extra);
}

export function node(
  name: string,
  patch: { labels?: Record<string, string>; providerID?: string } & Partial<Node> = {},
): Node {
  const { labels, providerID, ...rest } = patch;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, ...(labels === undefined ? {} : { labels }) },
    spec: { providerID: providerID ?? `aws:///us-east-1a/i-${name}` },
    status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
    ...rest,
  };
}

/** Runs `fn` and returns the message of what it threw (fails the test when nothing is thrown). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}
