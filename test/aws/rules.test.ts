import { describe, expect, it } from 'vitest';
import { toIpPermissions } from '../../providers/aws/exec-security.js';
import { ingressMembers } from '../../providers/aws/observed.js';
import { parseIngressMember, sgProtocols } from '../../providers/aws/rules.js';
import { parseTargetMember } from '../../providers/aws/targets.js';

describe('security group permissions as set members', () => {
  it('groups members by protocol and port, IPv4 and IPv6 apart', () => {
    expect(toIpPermissions(['tcp:80:10.0.0.0/8', 'tcp:80:::/0', 'udp:53:0.0.0.0/0'])).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 80,
        ToPort: 80,
        IpRanges: [{ CidrIp: '10.0.0.0/8' }],
        Ipv6Ranges: [{ CidrIpv6: '::/0' }],
      },
      { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ]);
  });

  it('what someone else added (ranges, all protocols, groups) round-trips so a plan can revoke it', () => {
    const group = {
      IpPermissions: [
        { IpProtocol: '-1', IpRanges: [{ CidrIp: '1.2.3.4/32' }] },
        {
          IpProtocol: 'tcp',
          FromPort: 1000,
          ToPort: 2000,
          UserIdGroupPairs: [{ GroupId: 'sg-12345678' }],
        },
      ],
    };
    const members = ingressMembers(group);
    expect(members).toEqual(['all:-1:1.2.3.4/32', 'tcp:1000-2000:sg-12345678']);
    expect(toIpPermissions(members)).toEqual([
      { IpProtocol: '-1', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '1.2.3.4/32' }] },
      {
        IpProtocol: 'tcp',
        FromPort: 1000,
        ToPort: 2000,
        UserIdGroupPairs: [{ GroupId: 'sg-12345678' }],
      },
    ]);
  });

  it('parses members and maps NLB protocols onto security group ones', () => {
    expect(parseIngressMember('udp:53:::/0')).toEqual({ protocol: 'udp', port: 53, cidr: '::/0' });
    expect(() => parseIngressMember('tcp_udp:53:0.0.0.0/0')).toThrow(TypeError);
    expect(sgProtocols('TCP_UDP')).toEqual(['tcp', 'udp']);
    expect(sgProtocols('UDP')).toEqual(['udp']);
    expect(parseTargetMember('i-0123abcd:30080')).toEqual({ id: 'i-0123abcd', port: 30080 });
  });
});
