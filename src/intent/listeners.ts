import type { Listener, SessionAffinity } from '../core/intent.js';
import type { Protocol } from '../core/k8s.js';
import { MAX_AFFINITY_SECONDS } from '../layers/validate.js';
import type { Ctx } from './context.js';

const PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];
/** The API server's default ClientIP affinity timeout (core.DefaultClientIPServiceAffinitySeconds, 3 hours). */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/**
 * One listener per Service port: protocol, port and the nodePort it forwards to, named after
 * the port (or `<protocol>-<port>`). Sorted by protocol, then port.
 */
export function buildListeners(ctx: Ctx): Listener[] {
  const listeners: Listener[] = [];
  (ctx.svc.spec.ports ?? []).forEach((p, i) => {
    const protocol = (p.protocol ?? 'TCP') as Protocol;
    if (!PROTOCOLS.includes(protocol)) {
      ctx.fieldProblem({
        type: 'Unsupported',
        field: `spec.ports[${i}].protocol`,
        value: p.protocol,
        detail: 'supported values: "SCTP", "TCP", "UDP"',
      });
      return;
    }
    if (!p.nodePort) {
      ctx.fieldProblem({
        type: 'Required',
        field: `spec.ports[${i}].nodePort`,
        detail: 'the load balancer forwards to NodePorts; allocate the layers first',
      });
      return;
    }
    listeners.push({
      name: p.name || `${protocol.toLowerCase()}-${p.port}`,
      protocol,
      port: p.port,
      nodePort: p.nodePort,
    });
  });
  if (listeners.length === 0 && ctx.problems.length === 0) {
    ctx.fieldProblem({
      type: 'Required',
      field: 'spec.ports',
      detail: 'a load balancer needs at least one port',
    });
  }
  return listeners.sort((a, b) =>
    a.protocol === b.protocol ? a.port - b.port : a.protocol < b.protocol ? -1 : 1,
  );
}

/** ClientIP affinity with its timeout (default 3 hours, at most a day), or none. */
export function buildAffinity(ctx: Ctx): SessionAffinity {
  const spec = ctx.svc.spec;
  const type = spec.sessionAffinity ?? 'None';
  if (type === 'None') return { type: 'None' };
  if (type !== 'ClientIP') {
    ctx.fieldProblem({
      type: 'Unsupported',
      field: 'spec.sessionAffinity',
      value: type,
      detail: 'supported values: "ClientIP", "None"',
    });
    return { type: 'None' };
  }
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_AFFINITY_SECONDS) {
    ctx.fieldProblem({
      type: 'Invalid',
      field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
      value: timeout,
      detail: `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`,
    });
  }
  return { type: 'ClientIP', timeoutSeconds: timeout };
}
