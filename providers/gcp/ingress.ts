import type { LoadBalancerIngress } from '../../src/core/k8s.js';
import type { Resource } from '../../src/core/resource.js';
import { T } from './names.js';

/**
 * The Service's status: the reserved address's IP (passthrough, so ipMode VIP), or the IP of the
 * user's own address that the forwarding rules name; nothing until it is known.
 */
export function ingressOf(resources: readonly Resource[]): LoadBalancerIngress[] {
  const address = resources.find((r) => r.type === T.address);
  const ip =
    address?.attributes['address'] ??
    resources
      .filter((r) => r.type === T.forwardingRule)
      .map((r) => r.attributes['ip_address'])
      .find((v) => typeof v === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(v));
  return typeof ip === 'string' && ip !== '' ? [{ ip, ipMode: 'VIP' }] : [];
}
