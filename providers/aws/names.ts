import { createHash } from 'node:crypto';
import type { ServiceIdentity } from '../../src/core/k8s.js';

/** AWS caps load balancer and target group names at 32 characters. */
export const AWS_NAME_MAX = 32;

/**
 * The in-tree cloud provider's load balancer name: 'a' + the Service UID without dashes, cut to
 * 32 characters, so that NLBs made by the Kubernetes cloud-controller-manager are recognised.
 */
export function loadBalancerName(service: ServiceIdentity): string {
  return `a${service.uid.replace(/-/g, '')}`.slice(0, AWS_NAME_MAX);
}

/** The in-tree provider names the security group it makes for a load balancer `k8s-elb-<lb name>`. */
export function securityGroupName(service: ServiceIdentity): string {
  return `k8s-elb-${loadBalancerName(service)}`;
}

/**
 * Target group names are unique per account and region and limited to 32 characters, so they
 * cannot hold the Service's full name. Like the AWS Load Balancer Controller we keep a readable
 * prefix (`k8s-<namespace 8>-<name 8>-`) and add a hash of everything that makes the group what
 * it is (not the listener port, which changes in place); a change to any of them yields a new
 * name, which makes replacement explicit.
 */
export function targetGroupName(
  service: ServiceIdentity,
  listener: { name: string; protocol: string; nodePort: number },
): string {
  const hash = createHash('sha256')
    .update([service.uid, listener.name, listener.protocol, listener.nodePort].join('\0'))
    .digest('hex')
    .slice(0, 10);
  const part = (s: string) => sanitize(s).slice(0, 8).replace(/-+$/, '');
  return `k8s-${part(service.namespace)}-${part(service.name)}-${hash}`;
}

const sanitize = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]/g, '');
