import type { Protocol } from '../../src/core/k8s.js';
import type { ObservedNodePort } from '../../src/core/provider.js';
import type { Resource } from '../../src/core/resource.js';
import { T } from './schemas.js';

/**
 * The NodePorts a Service's live rules forward to: each load-balancing rule forwards its
 * `frontend_port` (the Service port) to its `backend_port` (the NodePort; no floating IP). Pure.
 */
export function observedNodePorts(observed: readonly Resource[]): ObservedNodePort[] {
  return observed
    .filter((r) => r.type === T.rule)
    .flatMap((rule) => {
      const port = rule.attributes['frontend_port'];
      const nodePort = rule.attributes['backend_port'];
      if (typeof port !== 'number' || typeof nodePort !== 'number') return [];
      const protocol: Protocol = String(rule.attributes['protocol']) === 'Udp' ? 'UDP' : 'TCP';
      return [{ protocol, port, nodePort }];
    });
}

/** The HTTP `/healthz` probe's port (a Local Service's healthCheckNodePort). Pure. */
export function observedHealthCheckNodePort(observed: readonly Resource[]): number | undefined {
  const probe = observed.find(
    (r) =>
      r.type === T.probe &&
      r.attributes['protocol'] === 'Http' &&
      r.attributes['request_path'] === '/healthz',
  );
  const port = probe?.attributes['port'];
  return typeof port === 'number' ? port : undefined;
}
