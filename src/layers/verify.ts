import { InvalidInputError } from '../core/errors.js';
import type { FieldProblem } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import { defaultService } from '../k8s/validation/defaults.js';
import { validateService } from '../k8s/validation/service.js';
import { cloneJson, isHeadless, needsHealthCheck, serviceName } from './defaults.js';

/**
 * Cluster mode: the API server has allocated the layers; check that a LoadBalancer Service has
 * what a load balancer needs underneath it. Non-LoadBalancer Services pass. `requireNodePorts`
 * is true for providers whose load balancers target NodePorts (all of lbctl's today), so
 * `allocateLoadBalancerNodePorts: false` without explicit nodePorts is an error for them.
 * Throws InvalidInputError listing every problem.
 */
export function verifyLayers(svc: Service, opts: { requireNodePorts: boolean }): void {
  if (svc.spec.type !== 'LoadBalancer') return;
  const copy: Service = cloneJson(svc);
  defaultService(copy);
  const spec = copy.spec;
  // The whole of kube-apiserver's validation, as for files and the sandbox; but the UID was
  // issued by the API server itself, so its format is not second-guessed here.
  const problems: FieldProblem[] = validateService(copy).filter((p) => p.field !== 'metadata.uid');
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
