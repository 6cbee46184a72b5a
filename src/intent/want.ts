import type { Service } from '../core/k8s.js';

/**
 * Whether lbctl should give this Service a load balancer: type LoadBalancer and, with no class
 * configured, no spec.loadBalancerClass (that Service belongs to another implementation);
 * with `--load-balancer-class X`, only Services of class X. Deletion is the caller's concern
 * (finalizer and cleanup), as in the Kubernetes service controller.
 */
export function wantsLoadBalancer(
  svc: Service,
  opts: { loadBalancerClass?: string } = {},
): boolean {
  if (svc.spec.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  if (opts.loadBalancerClass === undefined) return cls === undefined || cls === '';
  return cls === opts.loadBalancerClass;
}
