import type { Service } from '../../core/k8s.js';
import type { ObservedNodePort } from '../../core/provider.js';

/**
 * A live NodePort that two Services of the input both forward to (each applied from its own
 * files, where nothing could tell them apart). Each keeps it: the allocator holds it for the
 * first, and `port` of the later Service (`service`, an index into the input; a `spec.ports`
 * index, or `'healthCheck'`) is set back to it after allocation (`withSharedNodePorts`).
 */
export interface SharedNodePort {
  service: number;
  port: number | 'healthCheck';
  nodePort: number;
  /** namespace/name of the Service the allocator gave it to. */
  with: string;
}

/**
 * Plans from files have no API server to remember the NodePorts it gave each Service, so a
 * port the manifest does not write is taken from what the Service's live load balancer
 * forwards to (`observed[i]`, from the provider model's observedNodePorts) before anything new
 * is allocated: the plan of a Service then never depends on which other files are planned with
 * it. A port that some Service of the input writes explicitly stays that Service's (the
 * allocator would refuse it twice). A live port two Services both forward to is kept by both
 * (`shared`): replacing what is live because of which files are planned together is what this
 * avoids. The same holds for a Local Service's healthCheckNodePort (`healthChecks[i]`). Pure;
 * returns new objects only for the Services that changed.
 */
export function pinObservedNodePorts(
  services: readonly Service[],
  observed: readonly (readonly ObservedNodePort[])[],
  healthChecks: readonly (number | undefined)[] = [],
): { services: Service[]; shared: SharedNodePort[] } {
  const explicit = new Set<number>();
  for (const s of services) {
    for (const p of s.spec.ports ?? []) explicit.add(p.nodePort ?? 0);
    explicit.add(s.spec.healthCheckNodePort ?? 0);
  }
  /** Live ports pinned so far → the Service that holds them. */
  const pinned = new Map<number, string>();
  const shared: SharedNodePort[] = [];
  /** Pins `nodePort` unless a manifest writes it; true when the allocator should get it. */
  const pin = (i: number, port: SharedNodePort['port'], nodePort: number): boolean => {
    if (explicit.has(nodePort)) return false;
    const holder = pinned.get(nodePort);
    if (holder === undefined) {
      pinned.set(nodePort, keyOfService(services[i] as Service));
      return true;
    }
    shared.push({ service: i, port, nodePort, with: holder });
    return false;
  };
  const out = services.map((service, i) => {
    const live = observed[i] ?? [];
    const wantsNodePorts =
      service.spec.type === 'LoadBalancer' && service.spec.allocateLoadBalancerNodePorts !== false;
    if (live.length === 0 || !wantsNodePorts) return service;
    let changed = false;
    const ports = (service.spec.ports ?? []).map((p, j) => {
      if (p.nodePort !== undefined) return p;
      const protocol = p.protocol ?? 'TCP';
      const found = live.find((l) => l.protocol === protocol && l.port === p.port);
      if (found === undefined || !pin(i, j, found.nodePort)) return p;
      changed = true;
      return { ...p, nodePort: found.nodePort };
    });
    const hc = healthChecks[i];
    const pinHealthCheck =
      service.spec.externalTrafficPolicy === 'Local' &&
      service.spec.healthCheckNodePort === undefined &&
      hc !== undefined &&
      isNodePort(hc) &&
      pin(i, 'healthCheck', hc);
    if (!changed && !pinHealthCheck) return service;
    return {
      ...service,
      spec: { ...service.spec, ports, ...(pinHealthCheck ? { healthCheckNodePort: hc } : {}) },
    };
  });
  return { services: out, shared };
}

/** `allocated` (the `index`th Service of the input) with its shared live NodePorts set back. Pure. */
export function withSharedNodePorts(
  allocated: Service,
  index: number,
  shared: readonly SharedNodePort[],
): Service {
  const mine = shared.filter((s) => s.service === index);
  if (mine.length === 0) return allocated;
  const ports = (allocated.spec.ports ?? []).map((p, j) => {
    const s = mine.find((m) => m.port === j);
    return s === undefined ? p : { ...p, nodePort: s.nodePort };
  });
  const hc = mine.find((m) => m.port === 'healthCheck');
  return {
    ...allocated,
    spec: {
      ...allocated.spec,
      ports,
      ...(hc === undefined ? {} : { healthCheckNodePort: hc.nodePort }),
    },
  };
}

/** The stderr warning for live NodePorts two Services forward to. */
export function sharedNodePortWarnings(
  services: readonly Service[],
  shared: readonly SharedNodePort[],
): string[] {
  return shared.map(
    (s) =>
      `Warning: Services ${s.with} and ${keyOfService(services[s.service] as Service)} both forward to NodePort ${s.nodePort} in the cloud (applied from different files); each keeps it, but a cluster gives a NodePort to one Service only: write spec.ports[].nodePort in their manifests to tell them apart.`,
  );
}

const keyOfService = (s: Service): string =>
  `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;

/** The default NodePort range: a probe on another port (kube-proxy's 10256) is no healthCheckNodePort. */
const isNodePort = (port: number): boolean => port >= 30000 && port <= 32767;
