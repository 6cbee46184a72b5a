import type { Service } from '../../core/k8s.js';
import type { ObservedNodePort } from '../../core/provider.js';

/**
 * Plans from files have no API server to remember the NodePorts it gave each Service, so a
 * port the manifest does not write is taken from what the Service's live load balancer
 * forwards to (`observed[i]`, from the provider model's observedNodePorts) before anything new
 * is allocated: the plan of a Service then never depends on which other files are planned with
 * it. A port that some Service of the input writes explicitly stays that Service's (the
 * allocator would refuse it twice), and a port is pinned once. The same holds for a Local
 * Service's healthCheckNodePort (`healthChecks[i]`). Pure; returns new objects only
 * for the Services that changed.
 */
export function pinObservedNodePorts(
  services: readonly Service[],
  observed: readonly (readonly ObservedNodePort[])[],
  healthChecks: readonly (number | undefined)[] = [],
): Service[] {
  const taken = new Set<number>();
  for (const s of services) {
    for (const p of s.spec.ports ?? []) taken.add(p.nodePort ?? 0);
    taken.add(s.spec.healthCheckNodePort ?? 0);
  }
  return services.map((service, i) => {
    const live = observed[i] ?? [];
    const wantsNodePorts =
      service.spec.type === 'LoadBalancer' && service.spec.allocateLoadBalancerNodePorts !== false;
    if (live.length === 0 || !wantsNodePorts) return service;
    let changed = false;
    const ports = (service.spec.ports ?? []).map((p) => {
      if (p.nodePort !== undefined) return p;
      const protocol = p.protocol ?? 'TCP';
      const found = live.find((l) => l.protocol === protocol && l.port === p.port);
      if (found === undefined || taken.has(found.nodePort)) return p;
      taken.add(found.nodePort);
      changed = true;
      return { ...p, nodePort: found.nodePort };
    });
    const hc = healthChecks[i];
    const pinHealthCheck =
      service.spec.externalTrafficPolicy === 'Local' &&
      service.spec.healthCheckNodePort === undefined &&
      hc !== undefined &&
      !taken.has(hc) &&
      isNodePort(hc);
    if (pinHealthCheck) taken.add(hc);
    if (!changed && !pinHealthCheck) return service;
    return {
      ...service,
      spec: { ...service.spec, ports, ...(pinHealthCheck ? { healthCheckNodePort: hc } : {}) },
    };
  });
}

/** The default NodePort range: a probe on another port (kube-proxy's 10256) is no healthCheckNodePort. */
const isNodePort = (port: number): boolean => port >= 30000 && port <= 32767;
