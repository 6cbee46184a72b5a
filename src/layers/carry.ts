import type { FieldProblem } from '../core/errors.js';
import type { Service, ServiceSpec } from '../core/k8s.js';
import { needsHealthCheck, needsNodePorts } from './defaults.js';

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((v, i) => v === b?.[i]);

/**
 * Update semantics of the API server, applied to `next` (a defaulted copy) given the stored
 * `prev`: values the user left out are carried over (patchAllocatedValues: clusterIPs,
 * nodePorts matched by port name, healthCheckNodePort), and values that no longer apply after
 * a type change are dropped when the user did not change them (dropTypeDependentFields: a
 * LoadBalancer turned ClusterIP loses its nodePorts). A changed clusterIP is refused.
 */
export function carryOver(next: Service, prev: Service): FieldProblem[] {
  const n = next.spec;
  const p = prev.spec;
  const problems: FieldProblem[] = [];
  const bothHaveIPs = n.type !== 'ExternalName' && p.type !== 'ExternalName';
  if (bothHaveIPs) {
    if ((n.clusterIPs ?? []).length === 0 && (p.clusterIPs ?? []).length > 0) {
      n.clusterIPs = [...(p.clusterIPs ?? [])];
      if (p.clusterIP !== undefined) n.clusterIP = p.clusterIP;
    } else if (p.clusterIPs?.[0] !== undefined && n.clusterIPs?.[0] !== p.clusterIPs[0]) {
      problems.push({
        type: 'Invalid',
        field: 'spec.clusterIPs[0]',
        value: n.clusterIPs?.[0],
        detail: 'may not change once set',
      });
    }
    if (n.ipFamilies === undefined && p.ipFamilies !== undefined) n.ipFamilies = [...p.ipFamilies];
    if (n.ipFamilyPolicy === undefined && p.ipFamilyPolicy !== undefined)
      n.ipFamilyPolicy = p.ipFamilyPolicy;
  } else if (
    n.type === 'ExternalName' &&
    p.type !== 'ExternalName' &&
    sameList(n.clusterIPs, p.clusterIPs)
  ) {
    delete n.clusterIP;
    delete n.clusterIPs;
    delete n.ipFamilies;
    delete n.ipFamilyPolicy;
  }
  carryNodePorts(n, p);
  if (needsHealthCheck(p)) {
    if (needsHealthCheck(n) && !n.healthCheckNodePort && p.healthCheckNodePort) {
      n.healthCheckNodePort = p.healthCheckNodePort;
    } else if (!needsHealthCheck(n) && n.healthCheckNodePort === p.healthCheckNodePort) {
      delete n.healthCheckNodePort;
    }
  }
  if (p.type === 'LoadBalancer' && n.type !== 'LoadBalancer')
    delete n.allocateLoadBalancerNodePorts;
  return problems;
}

function carryNodePorts(n: ServiceSpec, p: ServiceSpec): void {
  if (!needsNodePorts(p)) return;
  const old = new Set((p.ports ?? []).map((port) => port.nodePort).filter((np) => !!np));
  if (!needsNodePorts(n)) {
    for (const port of n.ports ?? [])
      if (port.nodePort !== undefined && old.has(port.nodePort)) delete port.nodePort;
    return;
  }
  const inUse = new Set(
    (n.ports ?? []).map((port) => port.nodePort).filter((np) => !!np && old.has(np)),
  );
  const byName = new Map((p.ports ?? []).map((port) => [port.name ?? '', port.nodePort]));
  for (const port of n.ports ?? []) {
    if (port.nodePort) continue;
    const carried = byName.get(port.name ?? '');
    if (carried && !inUse.has(carried)) port.nodePort = carried;
  }
}
