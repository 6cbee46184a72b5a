import type { Protocol } from '../../src/core/k8s.js';
import type { ObservedNodePort } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import { LISTENER, TARGET_GROUP } from './schemas.js';

/**
 * The NodePorts a live NLB forwards to: each listener's port and protocol, and the port of the
 * instance target group it forwards to (an instance target group's port is the NodePort).
 * A TCP_UDP listener serves a TCP and a UDP Service port on the same port. Pure.
 */
export function observedNodePorts(observed: readonly Resource[]): ObservedNodePort[] {
  const groups = new Map(
    observed.filter((r) => r.type === TARGET_GROUP).map((r) => [addressOf(r), r] as const),
  );
  return observed
    .filter((r) => r.type === LISTENER)
    .flatMap((listener) => {
      const group = groups.get(String(listener.attributes['default_target_group']));
      const nodePort = group?.attributes['port'];
      const port = listener.attributes['port'];
      if (typeof nodePort !== 'number' || typeof port !== 'number') return [];
      const protocol = String(listener.attributes['protocol']);
      const protocols: Protocol[] =
        protocol === 'TCP_UDP' ? ['TCP', 'UDP'] : [protocol as Protocol];
      return protocols.map((p) => ({ protocol: p, port, nodePort }));
    });
}

/** The HTTP `/healthz` probe port of the live target groups (a Local Service's healthCheckNodePort). Pure. */
export function observedHealthCheckNodePort(observed: readonly Resource[]): number | undefined {
  for (const r of observed) {
    if (r.type !== TARGET_GROUP) continue;
    const hc = r.attributes['health_check'];
    if (typeof hc !== 'object' || hc === null || Array.isArray(hc)) continue;
    if (hc['protocol'] === 'HTTP' && hc['path'] === '/healthz' && typeof hc['port'] === 'number')
      return hc['port'];
  }
  return undefined;
}
