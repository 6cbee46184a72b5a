import type { LoadBalancerIngress } from '../../src/core/k8s.js';
import type { Resource } from '../../src/core/resource.js';
import { T } from './schemas.js';

/**
 * The Service's address: the public IP's address (external), the address of the existing public
 * IP the frontend references (requested IP), or the frontend's private address (internal).
 * Nothing when the cloud has not assigned one yet. Azure load balancers forward packets with the
 * client's destination intact, hence `ipMode: VIP`.
 */
export function azureIngress(resources: readonly Resource[]): LoadBalancerIngress[] {
  const str = (v: unknown): string | undefined =>
    typeof v === 'string' && v !== '' ? v : undefined;
  const frontend = resources.find((r) => r.type === T.frontend);
  if (frontend === undefined) return [];
  const pip = resources.find((r) => r.type === T.publicIP);
  const ip =
    str(frontend.attributes.public_ip_address) ??
    (frontend.attributes.public_ip === undefined ? undefined : str(pip?.attributes.ip_address)) ??
    str(frontend.attributes.private_ip_address);
  return ip === undefined ? [] : [{ ip, ipMode: 'VIP' }];
}
