import type { Protocol } from '../../src/core/k8s.js';
import type { ObservedNodePort } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import { LISTENER, TARGET_SET } from './schemas.js';

/** The NodePorts a live in-memory load balancer forwards to: each listener's target set's `node_port`. Pure. */
export function observedNodePorts(observed: readonly Resource[]): ObservedNodePort[] {
  const sets = new Map(
    observed.filter((r) => r.type === TARGET_SET).map((r) => [addressOf(r), r] as const),
  );
  return observed
    .filter((r) => r.type === LISTENER)
    .flatMap((listener) => {
      const nodePort = sets.get(String(listener.attributes['target_set']))?.attributes['node_port'];
      const port = listener.attributes['port'];
      if (typeof nodePort !== 'number' || typeof port !== 'number') return [];
      return [{ protocol: String(listener.attributes['protocol']) as Protocol, port, nodePort }];
    });
}

/** The HTTP `/healthz` probe port of the live target sets (a Local Service's healthCheckNodePort). Pure. */
export function observedHealthCheckNodePort(observed: readonly Resource[]): number | undefined {
  for (const r of observed) {
    if (r.type !== TARGET_SET) continue;
    const hc = r.attributes['health_check'];
    if (typeof hc !== 'object' || hc === null || Array.isArray(hc)) continue;
    if (hc['protocol'] === 'HTTP' && hc['path'] === '/healthz' && typeof hc['port'] === 'number')
      return hc['port'];
  }
  return undefined;
}
