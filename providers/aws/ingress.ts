import type { LoadBalancerIngress } from '../../src/core/k8s.js';
import type { Resource } from '../../src/core/resource.js';
import { LB } from './schemas.js';

/**
 * An NLB is reached by DNS name, never by a fixed IP: status gets `hostname`, as the in-tree
 * provider and the AWS Load Balancer Controller write it. Nothing until AWS has named it.
 */
export function ingressOf(resources: readonly Resource[]): LoadBalancerIngress[] {
  const lb = resources.find((r) => r.type === LB && r.name === 'this');
  const dns = lb?.attributes['dns_name'];
  return typeof dns === 'string' && dns !== '' ? [{ hostname: dns }] : [];
}
