import { InvalidInputError } from '../core/errors.js';
import type { FieldProblem } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import { applyDefaults, cloneJson, isHeadless, needsHealthCheck, serviceName } from './defaults.js';
import { validateService } from './validate.js';

/**
 * Cluster mode: the API server has allocated the layers; check that a LoadBalancer Service has
 * what a load balancer needs underneath it. Non-LoadBalancer Services pass. `requireNodePorts`
 * is true for providers whose load balancers target NodePorts (all of lbctl's today), so
 * `allocateLoadBalancerNodePorts: false` without explicit nodePorts is an error for them.
 * Throws InvalidInputError listing every problem.
 */
export function verifyLayers(svc: Service, opts: { requireNodePorts: boolean }): void {
  if (svc.spec.type !== 'LoadBalancer') return;
  const spec = cloneJson(svc.spec);
  const copy: Service = { ...svc, spec };
  applyDefaults(copy);
  const problems: FieldProblem[] = validateService(copy);
  if (!isHeadless(spec) && !spec.clusterIP && (spec.clusterIPs ?? []).length === 0) {
    problems.push({
      type: 'Required',
      field: 'spec.clusterIP',
      detail: 'a LoadBalancer Service needs a ClusterIP, and the API server has not allocated one',
    });
  }
  const unallocatedByChoice = spec.allocateLoadBalancerNodePorts === false;
  (spec.ports ?? []).forEach((port, i) => {
    if (port.nodePort) return;
    if (unallocatedByChoice && !opts.requireNodePorts) return;
    problems.push({
      type: 'Required',
      field: `spec.ports[${i}].nodePort`,
      detail: unallocatedByChoice
        ? 'this provider targets NodePorts, but spec.allocateLoadBalancerNodePorts is false; set it to true or give every port a nodePort'
        : 'a LoadBalancer Service needs a nodePort on every port, and the API server has not allocated one',
    });
  });
  if (needsHealthCheck(spec) && !spec.healthCheckNodePort) {
    problems.push({
      type: 'Required',
      field: 'spec.healthCheckNodePort',
      detail:
        "externalTrafficPolicy 'Local' needs a healthCheckNodePort for the load balancer to probe, and the API server has not allocated one",
    });
  }
  if (problems.length > 0) throw new InvalidInputError(serviceName(svc), problems);
}
