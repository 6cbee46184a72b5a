import type { Condition, LoadBalancerIngress, PortStatus, Service } from '../core/k8s.js';
import type { Listener } from '../core/intent.js';
import type { RefusedPort } from '../core/provider.js';

/**
 * The Service conditions lbctl owns (docs/running.md, "Status and conditions"):
 * - `LoadBalancerProvisioned`: True once the load balancer the Service asks for is in place
 *   and has an address; False with the last reason otherwise.
 * - `LoadBalancerPortsError` (upstream's type, k8s.io/api core/v1): True while a port is
 *   refused by the cloud; set back to False once every port is served, absent if never true.
 * Other controllers' conditions are kept as they are.
 */
export const CONDITION = {
  provisioned: 'LoadBalancerProvisioned',
  portsError: 'LoadBalancerPortsError',
} as const;

export type ProvisionReason =
  | 'Provisioned'
  | 'ReplacementBlocked'
  | 'InvalidInput'
  | 'ResourceNotOwned'
  | 'CloudError'
  | 'WaitingForCloud';

/** What a reconcile concluded, as conditions (without times: see conditionsPatch). */
export interface ConditionInput {
  type: string;
  status: Condition['status'];
  reason: string;
  message: string;
}

export const provisioned = (reason: ProvisionReason, message: string): ConditionInput => ({
  type: CONDITION.provisioned,
  status: reason === 'Provisioned' ? 'True' : 'False',
  reason,
  message: capped(message),
});

/** metav1.Condition allows 32768 characters; a condition is read by people, so far fewer. */
const capped = (message: string, limit = 2048): string =>
  message.length > limit ? `${message.slice(0, limit - 1)}…` : message;

/**
 * The ports condition for the ports a provider refused, or undefined when none is and it was
 * never set (a Service that never had a refused port carries no such condition).
 */
export function portsCondition(
  service: Service,
  refused: readonly RefusedPort[],
): ConditionInput | undefined {
  if (refused.length > 0) {
    return {
      type: CONDITION.portsError,
      status: 'True',
      // Upstream's one reason (core/v1 LoadBalancerPortsErrorReason) is for mixed protocols;
      // the refusals lbctl reports are protocol refusals too, named per port in the message.
      reason: 'LoadBalancerMixedProtocolNotSupported',
      message: capped(refused.map((r) => `${r.port}/${r.protocol}: ${r.message}`).join('; ')),
    };
  }
  const before = service.status?.conditions?.find((c) => c.type === CONDITION.portsError);
  if (before === undefined) return undefined;
  return {
    type: CONDITION.portsError,
    status: 'False',
    reason: 'PortsServed',
    message: 'every port is served',
  };
}

/**
 * The merge patch's `conditions` (the whole list: a JSON merge patch replaces lists) that makes
 * the Service carry `wanted`, or undefined when it already does. A condition's
 * lastTransitionTime changes only when its status does, as metav1.Condition requires.
 */
export function conditionsPatch(
  service: Service,
  wanted: readonly ConditionInput[],
  now: number,
): Condition[] | undefined {
  const current = service.status?.conditions ?? [];
  const stamp = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  const generation = service.metadata.generation;
  let changed = false;
  const next = [...current];
  for (const w of wanted) {
    const i = next.findIndex((c) => c.type === w.type);
    const before = i < 0 ? undefined : next[i];
    const same =
      before !== undefined &&
      before.status === w.status &&
      before.reason === w.reason &&
      before.message === w.message &&
      (generation === undefined || before.observedGeneration === generation);
    if (same) continue;
    changed = true;
    const condition: Condition = {
      type: w.type,
      status: w.status,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
      lastTransitionTime:
        before !== undefined && before.status === w.status ? before.lastTransitionTime : stamp,
      reason: w.reason,
      message: w.message,
    };
    if (i < 0) next.push(condition);
    else next[i] = condition;
  }
  return changed ? next : undefined;
}

/**
 * Per-port status on every ingress entry: one entry per Service port (from the intent's
 * listeners, so the same on every provider), with `error` on the ports the cloud refused, as
 * `lbctl.io/<Reason>` (cloud-specific errors are domain-qualified CamelCase, core/v1 PortStatus).
 */
export function withPorts(
  ingress: readonly LoadBalancerIngress[],
  listeners: readonly Pick<Listener, 'port' | 'protocol'>[],
  refused: readonly RefusedPort[],
): LoadBalancerIngress[] {
  const ports: PortStatus[] = [
    ...listeners.map((l) => ({ port: l.port, protocol: l.protocol })),
    ...refused.map((r) => ({ port: r.port, protocol: r.protocol, error: `lbctl.io/${r.reason}` })),
  ].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
  return ingress.map((i) => ({ ...i, ports }));
}
