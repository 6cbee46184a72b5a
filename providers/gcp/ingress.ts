import type { LoadBalancerIngress } from '../../src/core/k8s.js';
import type { Resource } from '../../src/core/resource.js';
import { T } from './names.js';

/** The Service's status: the reserved address's IP (passthrough, so ipMode VIP); nothing until it is known. */
export function ingressOf(resources: readonly Resource[]): LoadBalancerIngress[] {
  const address = resources.find((r) => r.type === T.address);
  const ip = address?.attributes['address'];
  return typeof ip === 'string' && ip !== '' ? [{ ip, ipMode: 'VIP' }] : [];
}
