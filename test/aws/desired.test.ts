import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import type { Resource } from '../../src/core/resource.js';
import { desiredResources } from '../../providers/aws/desired.js';
import { loadBalancerName, targetGroupName } from '../../providers/aws/names.js';
import { intent, node, UID } from './fixtures.js';

const byAddress = (rs: Resource[]) => new Map(rs.map((r) => [`${r.type}.${r.name}`, r]));
const build = (...args: Parameters<typeof intent>) =>
  byAddress(desiredResources(intent(...args), {}));

function invalid(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidInputError) return e;
    throw e;
  }
  throw new Error('expected an InvalidInputError');
}

describe('names', () => {
  it("load balancer: 'a' + UID without dashes, 32 characters (in-tree convention)", () => {
    expect(loadBalancerName({ namespace: 'default', name: 'web', uid: UID })).toBe(
      'a6f1e2d3c4b5a49688776a5b4c3d2e1f',
    );
  });

  it('target groups: readable prefix, hash of what makes the group, at most 32 characters', () => {
    const svc = { namespace: 'a-very-long-namespace', name: 'a-very-long-service-name', uid: UID };
    const name = targetGroupName(svc, { name: 'http', protocol: 'TCP', nodePort: 30080 });
    expect(name).toMatch(/^k8s-a-very-l-a-very-l-[0-9a-f]{10}$/);
    expect(name.length).toBeLessThanOrEqual(32);
    expect(targetGroupName(svc, { name: 'http', protocol: 'TCP', nodePort: 30081 })).not.toBe(name);
    expect(targetGroupName(svc, { name: 'http', protocol: 'TCP', nodePort: 30080 })).toBe(name);
  });
});

describe('desired resources of a 2-port Service', () => {
  const rs = build();

  it('one security group, one NLB, one target group and one listener per port', () => {
    expect([...rs.keys()].sort()).toEqual([
      'aws_lb.this',
      'aws_lb_listener.http',
      'aws_lb_listener.https',
      'aws_lb_target_group.http',
      'aws_lb_target_group.https',
      'aws_security_group.this',
    ]);
  });

  it('every resource carries the ownership tags and its own address', () => {
    for (const [address, r] of rs) {
      expect(r.attributes['tags']).toEqual({
        'kubernetes.io/cluster/test': 'owned',
        'kubernetes.io/service-name': 'default/web',
        'kubernetes.io/service-uid': UID,
        'lbctl.io/resource': address,
      });
    }
  });

  it('the NLB is internet-facing, references its security group by address, never by ID', () => {
    const lb = rs.get('aws_lb.this');
    expect(lb?.attributes).toMatchObject({
      name: 'a6f1e2d3c4b5a49688776a5b4c3d2e1f',
      load_balancer_type: 'network',
      scheme: 'internet-facing',
      ip_address_type: 'ipv4',
      security_group: 'aws_security_group.this',
    });
    expect(lb?.dependsOn).toEqual(['aws_security_group.this']);
    expect(lb?.attributes).not.toHaveProperty('subnets');
  });

  it('target groups: instance targets on the nodePort, health check and attributes from the intent', () => {
    expect(rs.get('aws_lb_target_group.https')?.attributes).toMatchObject({
      protocol: 'TCP',
      port: 30443,
      target_type: 'instance',
      targets: ['i-00000000000000001:30443', 'i-00000000000000002:30443'],
      // node-port mode: each TCP group probes its own nodePort.
      health_check: {
        protocol: 'TCP',
        port: 30443,
        interval_seconds: 10,
        timeout_seconds: 5,
        healthy_threshold: 2,
        unhealthy_threshold: 2,
      },
      attributes: {
        'deregistration_delay.timeout_seconds': '300',
        'proxy_protocol_v2.enabled': 'false',
        'stickiness.enabled': 'false',
        'stickiness.type': 'source_ip',
      },
    });
  });

  describe('health-check modes (intent healthCheck.mode)', () => {
    const probes = (rs: Map<string, Resource>) =>
      Object.fromEntries(
        [...rs]
          .filter(([a]) => a.startsWith('aws_lb_target_group.'))
          .map(([a, r]) => [a, r.attributes['health_check']]),
      );
    const udp = { name: 'dns', protocol: 'UDP' as const, port: 53, nodePort: 30053 };

    it('node-port: TCP groups probe their own nodePort, a UDP group the shared TCP port; the nodes admit each', () => {
      const rs = byAddress(
        desiredResources(
          intent({
            listeners: [...intent().listeners, udp],
          }),
          { securityGroup: 'sg-12345678' },
        ),
      );
      const ports = Object.fromEntries(
        Object.entries(probes(rs)).map(([a, hc]) => [a, (hc as { port: number }).port]),
      );
      expect(ports).toEqual({
        'aws_lb_target_group.dns': 30080,
        'aws_lb_target_group.http': 30080,
        'aws_lb_target_group.https': 30443,
      });
      expect([...rs.keys()].filter((a) => a.includes('ingress_rule')).sort()).toEqual([
        'aws_vpc_security_group_ingress_rule.nodes-tcp-30080',
        'aws_vpc_security_group_ingress_rule.nodes-tcp-30443',
        'aws_vpc_security_group_ingress_rule.nodes-udp-30053',
      ]);
    });

    it('kube-proxy: every group probes HTTP /healthz on 10256, and the nodes admit 10256', () => {
      const rs = byAddress(
        desiredResources(
          intent({
            healthCheck: {
              mode: 'kube-proxy',
              protocol: 'HTTP',
              port: 10256,
              path: '/healthz',
              intervalSeconds: 10,
              timeoutSeconds: 5,
              healthyThreshold: 2,
              unhealthyThreshold: 3,
            },
          }),
          { securityGroup: 'sg-12345678' },
        ),
      );
      for (const hc of Object.values(probes(rs)))
        expect(hc).toMatchObject({ protocol: 'HTTP', port: 10256, path: '/healthz' });
      expect(rs.has('aws_vpc_security_group_ingress_rule.nodes-tcp-10256')).toBe(true);
    });

    it('custom: the one configured port for every group', () => {
      const rs = build({
        healthCheck: { ...intent().healthCheck, mode: 'custom', port: 31999 },
      });
      for (const hc of Object.values(probes(rs))) expect(hc).toMatchObject({ port: 31999 });
    });
  });

  it('listeners point at their load balancer and target group by address', () => {
    const l = rs.get('aws_lb_listener.http');
    expect(l?.attributes).toMatchObject({
      load_balancer: 'aws_lb.this',
      default_target_group: 'aws_lb_target_group.http',
      protocol: 'TCP',
      port: 80,
    });
    expect(l?.dependsOn).toEqual(['aws_lb.this', 'aws_lb_target_group.http']);
  });

  it('no source ranges: the listener ports are open to the families in use', () => {
    expect(rs.get('aws_security_group.this')?.attributes['ingress']).toEqual([
      'tcp:443:0.0.0.0/0',
      'tcp:80:0.0.0.0/0',
    ]);
    const dual = build({ ipFamilies: ['IPv4', 'IPv6'] });
    expect(dual.get('aws_security_group.this')?.attributes['ingress']).toEqual([
      'tcp:443:0.0.0.0/0',
      'tcp:443:::/0',
      'tcp:80:0.0.0.0/0',
      'tcp:80:::/0',
    ]);
    expect(dual.get('aws_lb.this')?.attributes['ip_address_type']).toBe('dualstack');
  });
});

describe('translation of the intent', () => {
  it('source ranges become one ingress member per port and CIDR', () => {
    const rs = build({ sourceRanges: ['10.0.0.0/8', '192.168.0.0/16'] });
    expect(rs.get('aws_security_group.this')?.attributes['ingress']).toEqual([
      'tcp:443:10.0.0.0/8',
      'tcp:443:192.168.0.0/16',
      'tcp:80:10.0.0.0/8',
      'tcp:80:192.168.0.0/16',
    ]);
  });

  it('ClientIP affinity turns on source_ip stickiness; proxy protocol and deregistration delay from options', () => {
    const rs = build({
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      options: { aws: { proxyProtocol: true, deregistrationDelaySeconds: 30 } },
    });
    expect(rs.get('aws_lb_target_group.http')?.attributes['attributes']).toEqual({
      'deregistration_delay.timeout_seconds': '30',
      'proxy_protocol_v2.enabled': 'true',
      'stickiness.enabled': 'true',
      'stickiness.type': 'source_ip',
    });
  });

  it('internal scheme, subnets from settings, annotation subnets win', () => {
    const i = intent({ scheme: 'internal' });
    const fromSettings = byAddress(
      desiredResources(i, {
        subnets: ['subnet-bbbbbbbb', 'subnet-aaaaaaaa'],
        vpcId: 'vpc-12345678',
      }),
    );
    expect(fromSettings.get('aws_lb.this')?.attributes).toMatchObject({
      scheme: 'internal',
      subnets: ['subnet-bbbbbbbb', 'subnet-aaaaaaaa'],
    });
    expect(fromSettings.get('aws_lb_target_group.http')?.attributes['vpc_id']).toBe('vpc-12345678');
    const annotated = desiredResources(intent({ options: { aws: { subnets: ['b', 'a'] } } }), {
      subnets: ['subnet-aaaaaaaa'],
    });
    expect(byAddress(annotated).get('aws_lb.this')?.attributes['subnets']).toEqual(['a', 'b']);
  });

  it('HTTP health check (externalTrafficPolicy Local) keeps its path', () => {
    const rs = build({
      externalTrafficPolicy: 'Local',
      healthCheck: {
        mode: 'service',
        protocol: 'HTTP',
        port: 32000,
        path: '/healthz',
        intervalSeconds: 10,
        timeoutSeconds: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
    });
    expect(rs.get('aws_lb_target_group.http')?.attributes['health_check']).toMatchObject({
      protocol: 'HTTP',
      port: 32000,
      path: '/healthz',
    });
  });

  it('the nodes security group gets one tagged rule per NodePort and the health check port, from the NLB group', () => {
    const rs = byAddress(
      desiredResources(
        intent({
          healthCheck: {
            mode: 'service',
            protocol: 'HTTP',
            port: 32000,
            path: '/healthz',
            intervalSeconds: 10,
            timeoutSeconds: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 2,
          },
        }),
        { securityGroup: 'sg-12345678' },
      ),
    );
    const rules = [...rs.keys()].filter((a) =>
      a.startsWith('aws_vpc_security_group_ingress_rule.'),
    );
    expect(rules).toEqual([
      'aws_vpc_security_group_ingress_rule.nodes-tcp-30080',
      'aws_vpc_security_group_ingress_rule.nodes-tcp-30443',
      'aws_vpc_security_group_ingress_rule.nodes-tcp-32000',
    ]);
    expect(rs.get(rules[2] ?? '')?.attributes).toMatchObject({
      security_group_id: 'sg-12345678',
      ip_protocol: 'tcp',
      from_port: 32000,
      to_port: 32000,
      referenced_security_group: 'aws_security_group.this',
    });
  });

  it('extra tags are added under the ownership tags, which always win', () => {
    const rs = build({ extraTags: { team: 'a', 'kubernetes.io/service-uid': 'forged' } });
    expect(rs.get('aws_lb.this')?.attributes['tags']).toMatchObject({
      team: 'a',
      'kubernetes.io/service-uid': UID,
    });
  });
});

describe('what moto accepts but real AWS rejects is refused before any call', () => {
  it('TCP and UDP on one port with the same nodePort: one TCP_UDP listener and target group, tcp and udp rules', () => {
    const rs = build({
      listeners: [
        { name: 'dns-tcp', protocol: 'TCP', port: 53, nodePort: 30053 },
        { name: 'dns-udp', protocol: 'UDP', port: 53, nodePort: 30053 },
      ],
    });
    expect(rs.get('aws_lb_listener.dns-tcp')?.attributes['protocol']).toBe('TCP_UDP');
    expect(rs.get('aws_lb_target_group.dns-tcp')?.attributes['protocol']).toBe('TCP_UDP');
    expect(rs.has('aws_lb_listener.dns-udp')).toBe(false);
    // Security groups have no TCP_UDP protocol.
    expect(rs.get('aws_security_group.this')?.attributes['ingress']).toEqual([
      'tcp:53:0.0.0.0/0',
      'udp:53:0.0.0.0/0',
    ]);
  });

  it('a UDP listener gets a UDP target group, never a TCP one', () => {
    const rs = build({
      listeners: [{ name: 'syslog', protocol: 'UDP', port: 514, nodePort: 30514 }],
    });
    expect(rs.get('aws_lb_target_group.syslog')?.attributes['protocol']).toBe('UDP');
    expect(rs.get('aws_lb_listener.syslog')?.attributes['protocol']).toBe('UDP');
  });

  it('TCP and UDP on one port with different nodePorts cannot share a listener', () => {
    const e = invalid(() =>
      build({
        listeners: [
          { name: 'a', protocol: 'TCP', port: 53, nodePort: 30053 },
          { name: 'b', protocol: 'UDP', port: 53, nodePort: 30054 },
        ],
      }),
    );
    expect(e.message).toContain('spec.ports');
    expect(e.message).toContain('same nodePort');
  });

  it('SCTP is refused', () => {
    expect(
      invalid(() =>
        build({ listeners: [{ name: 's', protocol: 'SCTP', port: 9, nodePort: 30009 }] }),
      ).message,
    ).toContain('AWS network load balancers support "TCP" and "UDP"');
  });

  it.each([
    ['aws:///us-east-1a/i-123', 'too short'],
    ['gce://project/zone/name', 'another cloud'],
    ['aws:///us-east-1a/i-0123456789ABCDEF0', 'upper case'],
    ['', 'empty'],
  ])(
    'a node whose providerID %j (%s) is not an instance ID names the Node and the value',
    (providerID) => {
      const e = invalid(() => build({ targets: [node(1), { nodeName: 'odd', providerID }] }));
      expect(e.object).toBe('Node odd');
      expect(e.message).toBe(
        `Node odd: spec.providerID: Invalid value: ${JSON.stringify(providerID)}: must name an EC2 instance as aws:///<zone>/i-<8 or 17 hex digits> (e.g. aws:///us-east-1a/i-0123456789abcdef0)`,
      );
    },
  );

  it('8-digit legacy instance IDs and the empty-zone form are accepted', () => {
    const rs = build({ targets: [{ nodeName: 'n', providerID: 'aws:////i-0123abcd' }] });
    expect(rs.get('aws_lb_target_group.http')?.attributes['targets']).toEqual(['i-0123abcd:30080']);
  });

  it.each([
    [{ intervalSeconds: 4 }, 'healthcheck-interval', 'from 5 to 300'],
    [{ timeoutSeconds: 121 }, 'healthcheck-timeout', 'from 2 to 120'],
    [{ healthyThreshold: 11 }, 'healthcheck-healthy-threshold', 'from 2 to 10'],
    [{ unhealthyThreshold: 1 }, 'healthcheck-unhealthy-threshold', 'from 2 to 10'],
  ])(
    'health check out of the NLB range %j is refused naming the annotation',
    (hc, suffix, allowed) => {
      const base = intent().healthCheck;
      const e = invalid(() => build({ healthCheck: { ...base, ...hc } }));
      expect(e.message).toContain(
        `metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-${suffix}]`,
      );
      expect(e.message).toContain(allowed);
    },
  );

  it('a deregistration delay over 3600 s is refused', () => {
    expect(
      invalid(() => build({ options: { aws: { deregistrationDelaySeconds: 3601 } } })).message,
    ).toContain('from 0 to 3600');
  });

  it('tag text ELBv2 would refuse is refused', () => {
    expect(invalid(() => build({ extraTags: { team: 'a,b' } })).message).toContain(
      'only letters, digits',
    );
    expect(build({ extraTags: { 'team/owner': 'Ünïcode @ team-1' } }).size).toBeGreaterThan(0);
  });

  it('reserved aws: tag keys are refused', () => {
    expect(invalid(() => build({ extraTags: { 'aws:owner': 'me' } })).message).toContain(
      'reserved by AWS',
    );
  });

  it('a requested load balancer IP is refused (NLBs take Elastic IPs per subnet)', () => {
    expect(invalid(() => build({ requestedIPs: ['1.2.3.4'] })).message).toContain(
      'spec.loadBalancerIP',
    );
  });

  it('Elastic IPs need one per subnet and an internet-facing NLB', () => {
    const eip = { aws: { eipAllocations: ['eipalloc-12345678'] } };
    expect(invalid(() => build({ options: eip })).message).toContain('one allocation per subnet');
    expect(invalid(() => build({ options: eip, scheme: 'internal' })).message).toContain(
      'internet-facing',
    );
    const ok = byAddress(
      desiredResources(intent({ options: eip }), { subnets: ['subnet-aaaaaaaa'] }),
    );
    expect(ok.get('aws_lb.this')?.attributes['eip_allocations']).toEqual(['eipalloc-12345678']);
  });

  it('more than 50 listeners is refused', () => {
    const listeners = Array.from({ length: 51 }, (_, i) => ({
      name: `p${i}`,
      protocol: 'TCP' as const,
      port: 1000 + i,
      nodePort: 30000 + i,
    }));
    expect(invalid(() => build({ listeners })).message).toContain('at most 50 listeners');
  });
});
