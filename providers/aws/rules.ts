/**
 * Security group ingress permissions as set members `<protocol>:<port>:<cidr>` (`tcp:80:10.0.0.0/8`,
 * `udp:53:::/0`). Security groups know `tcp`, `udp` and `icmp`, not NLB's `TCP_UDP`: a TCP_UDP
 * listener needs one member of each.
 */
export interface IngressPermission {
  protocol: 'tcp' | 'udp';
  port: number;
  cidr: string;
}

export const ingressMember = (p: IngressPermission): string => `${p.protocol}:${p.port}:${p.cidr}`;

export function parseIngressMember(member: string): IngressPermission {
  const [protocol, port, ...rest] = member.split(':');
  const cidr = rest.join(':');
  if (
    (protocol !== 'tcp' && protocol !== 'udp') ||
    !Number.isInteger(Number(port)) ||
    cidr === ''
  ) {
    throw new TypeError(`ingress rule "${member}" is not <tcp|udp>:<port>:<cidr>`);
  }
  return { protocol, port: Number(port), cidr };
}

/** The security-group protocols an NLB listener protocol needs. */
export function sgProtocols(listenerProtocol: string): ('tcp' | 'udp')[] {
  if (listenerProtocol === 'TCP_UDP') return ['tcp', 'udp'];
  return listenerProtocol === 'UDP' ? ['udp'] : ['tcp'];
}
