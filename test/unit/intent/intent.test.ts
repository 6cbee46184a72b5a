import { describe, expect, it } from 'vitest';

import { buildIntent, HEALTH_CHECK_DEFAULTS } from '../../../src/intent/index.js';
import { errorOf, node, service } from '../fixtures.js';
import { allocatedLb, intentOf, NODES } from './support.js';

const twoPorts = {
  ports: [
    { name: 'https', port: 443, nodePort: 30443 },
    { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
    { name: 'http', port: 80, nodePort: 30080 },
  ],
};

describe('buildIntent: listeners', () => {
  it('makes one listener per port, sorted by protocol then port', () => {
    expect(
      intentOf({}, twoPorts).listeners.map((l) => `${l.protocol}/${l.port}->${l.nodePort}`),
    ).toEqual(['TCP/80->30080', 'TCP/443->30443', 'UDP/53->30053']);
  });

  it('names a listener after its port', () => {
    expect(intentOf({}, twoPorts).listeners.map((l) => l.name)).toEqual(['http', 'https', 'dns']);
  });

  it('names an unnamed port <protocol>-<port>', () => {
    expect(intentOf().listeners).toEqual([
      { name: 'tcp-80', protocol: 'TCP', port: 80, nodePort: 30080 },
    ]);
  });

  it('defaults the protocol to TCP', () => {
    expect(intentOf({}, { ports: [{ port: 8080, nodePort: 30081 }] }).listeners[0]?.protocol).toBe(
      'TCP',
    );
  });

  it('refuses a port without nodePort', () => {
    expect(errorOf(() => intentOf({}, { ports: [{ port: 80 }] }))).toContain(
      'spec.ports[0].nodePort: Required value: the load balancer forwards to NodePorts',
    );
  });

  it('refuses an unknown protocol', () => {
    expect(
      errorOf(() => intentOf({}, { ports: [{ port: 80, nodePort: 30080, protocol: 'QUIC' }] })),
    ).toContain('spec.ports[0].protocol: Unsupported value: "QUIC"');
  });

  it('refuses a Service without ports', () => {
    expect(errorOf(() => intentOf({}, { ports: [] }))).toContain('spec.ports: Required value');
  });
});

describe('buildIntent: health check', () => {
  it('probes the first TCP nodePort over TCP for externalTrafficPolicy Cluster, with the defaults', () => {
    expect(intentOf({}, twoPorts).healthCheck).toEqual({
      mode: 'node-port',
      protocol: 'TCP',
      port: 30443,
      ...HEALTH_CHECK_DEFAULTS,
    });
  });

  it("probes kube-proxy's /healthz on 10256 by default on gcp (KEP-3836), the nodePort on aws and azure", () => {
    const probe = (provider: 'aws' | 'gcp' | 'azure') => {
      const hc = intentOf({}, twoPorts, provider).healthCheck;
      return [hc.mode, hc.protocol, hc.port, hc.path];
    };
    expect(probe('gcp')).toEqual(['kube-proxy', 'HTTP', 10256, '/healthz']);
    expect(probe('aws')).toEqual(['node-port', 'TCP', 30443, undefined]);
    expect(probe('azure')).toEqual(['node-port', 'TCP', 30443, undefined]);
  });

  it('lbctl.io/health-check picks kube-proxy or node-port on any provider', () => {
    const hc = (value: string, provider: 'aws' | 'gcp') =>
      intentOf({ 'lbctl.io/health-check': value }, twoPorts, provider).healthCheck;
    expect([hc('kube-proxy', 'aws').mode, hc('kube-proxy', 'aws').port]).toEqual([
      'kube-proxy',
      10256,
    ]);
    expect([hc('node-port', 'gcp').mode, hc('node-port', 'gcp').protocol]).toEqual([
      'node-port',
      'TCP',
    ]);
  });

  it('refuses lbctl.io/health-check with externalTrafficPolicy Local, and unknown modes', () => {
    expect(
      errorOf(() =>
        intentOf(
          { 'lbctl.io/health-check': 'kube-proxy' },
          { externalTrafficPolicy: 'Local', healthCheckNodePort: 32100 },
        ),
      ),
    ).toContain('metadata.annotations[lbctl.io/health-check]: Invalid value: "kube-proxy"');
    expect(errorOf(() => intentOf({ 'lbctl.io/health-check': 'tcp' }, twoPorts))).toContain(
      'Unsupported value: "tcp": supported values: "kube-proxy", "node-port"',
    );
  });

  it('an explicit port makes the probe custom; traffic-port keeps node-port even on gcp', () => {
    expect(intentOf({ 'lbctl.io/healthcheck-port': '31000' }, twoPorts).healthCheck.mode).toBe(
      'custom',
    );
    const gcp = intentOf({ 'lbctl.io/healthcheck-port': 'traffic-port' }, twoPorts, 'gcp');
    expect([gcp.healthCheck.mode, gcp.healthCheck.protocol, gcp.healthCheck.port]).toEqual([
      'node-port',
      'TCP',
      30443,
    ]);
  });

  it('probes HTTP /healthz on the healthCheckNodePort for Local', () => {
    const hc = intentOf(
      {},
      { externalTrafficPolicy: 'Local', healthCheckNodePort: 32100 },
    ).healthCheck;
    expect([hc.protocol, hc.port, hc.path]).toEqual(['HTTP', 32100, '/healthz']);
  });

  it('refuses Local without healthCheckNodePort', () => {
    expect(errorOf(() => intentOf({}, { externalTrafficPolicy: 'Local' }))).toContain(
      'spec.healthCheckNodePort: Required value',
    );
  });

  it("probes kube-proxy's /healthz for a UDP-only Service", () => {
    const hc = intentOf(
      {},
      { ports: [{ port: 53, protocol: 'UDP', nodePort: 30053 }] },
    ).healthCheck;
    expect([hc.protocol, hc.port, hc.path]).toEqual(['HTTP', 10256, '/healthz']);
  });

  it('records the traffic policy', () => {
    expect(
      intentOf({}, { externalTrafficPolicy: 'Local', healthCheckNodePort: 32100 })
        .externalTrafficPolicy,
    ).toBe('Local');
  });
});

describe('buildIntent: source ranges', () => {
  it('is open (empty) by default', () => {
    expect(intentOf().sourceRanges).toEqual([]);
  });

  it('normalises, deduplicates and sorts CIDRs, IPv4 and IPv6', () => {
    const ranges = ['10.1.2.3/8', '2001:DB8::/32', '10.0.0.0/8', '192.168.1.1/32'];
    expect(intentOf({}, { loadBalancerSourceRanges: ranges }).sourceRanges).toEqual([
      '10.0.0.0/8',
      '192.168.1.1/32',
      '2001:db8::/32',
    ]);
  });

  it('prefers the spec field over the annotation', () => {
    const i = intentOf(
      { 'service.beta.kubernetes.io/load-balancer-source-ranges': '172.16.0.0/12' },
      { loadBalancerSourceRanges: ['10.0.0.0/8'] },
    );
    expect(i.sourceRanges).toEqual(['10.0.0.0/8']);
  });

  it('refuses a bad CIDR, naming its index', () => {
    expect(
      errorOf(() => intentOf({}, { loadBalancerSourceRanges: ['10.0.0.0/8', '10.0.0.0/33'] })),
    ).toContain(
      'spec.loadBalancerSourceRanges[1]: Invalid value: "10.0.0.0/33": must be a valid CIDR',
    );
  });

  it('refuses a bare address without prefix length', () => {
    expect(errorOf(() => intentOf({}, { loadBalancerSourceRanges: ['203.0.113.7'] }))).toContain(
      'Invalid value: "203.0.113.7"',
    );
  });
});

describe('buildIntent: session affinity', () => {
  it('is None by default', () => {
    expect(intentOf().sessionAffinity).toEqual({ type: 'None' });
  });

  it('defaults the ClientIP timeout to 10800 s', () => {
    expect(intentOf({}, { sessionAffinity: 'ClientIP' }).sessionAffinity).toEqual({
      type: 'ClientIP',
      timeoutSeconds: 10800,
    });
  });

  it('keeps a given ClientIP timeout', () => {
    const spec = {
      sessionAffinity: 'ClientIP' as const,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
    };
    expect(intentOf({}, spec).sessionAffinity).toEqual({ type: 'ClientIP', timeoutSeconds: 60 });
  });

  it('refuses a timeout of 0', () => {
    const spec = {
      sessionAffinity: 'ClientIP' as const,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } },
    };
    expect(errorOf(() => intentOf({}, spec))).toContain(
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400',
    );
  });
});

describe('buildIntent: addresses and families', () => {
  it('takes spec.loadBalancerIP as the requested IP, in canonical form', () => {
    expect(intentOf({}, { loadBalancerIP: '203.0.113.10' }).requestedIPs).toEqual(['203.0.113.10']);
  });

  it('refuses a spec.loadBalancerIP that is not an IP', () => {
    expect(errorOf(() => intentOf({}, { loadBalancerIP: 'my-ip' }))).toContain(
      'spec.loadBalancerIP: Invalid value: "my-ip": must be a valid IP address',
    );
  });

  it('accepts one address per family for a dual-stack Service', () => {
    const spec = { ipFamilies: ['IPv4' as const, 'IPv6' as const], loadBalancerIP: '203.0.113.10' };
    expect(intentOf({ 'lbctl.io/load-balancer-ips': '2001:DB8::10' }, spec).requestedIPs).toEqual([
      '203.0.113.10',
      '2001:db8::10',
    ]);
  });

  it('takes ipFamilies from the spec', () => {
    expect(intentOf({}, { ipFamilies: ['IPv6', 'IPv4'] }).ipFamilies).toEqual(['IPv6', 'IPv4']);
  });

  it('derives ipFamilies from the ClusterIPs when the spec has none', () => {
    const svc = allocatedLb();
    delete svc.spec.ipFamilies;
    svc.spec.clusterIPs = ['fd00::10'];
    expect(buildIntent(svc, NODES.aws, { clusterName: 'c', provider: 'aws' }).ipFamilies).toEqual([
      'IPv6',
    ]);
  });
});

describe('buildIntent: identity, targets and options', () => {
  it('identifies the Service and the cluster', () => {
    const i = intentOf();
    expect([i.service, i.clusterName]).toEqual([
      { namespace: 'default', name: 'web', uid: 'uid-1' },
      'demo',
    ]);
  });

  it('targets the eligible nodes of the cloud', () => {
    const nodes = [
      node('b'),
      node('a'),
      node('c', { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' } }),
    ];
    expect(
      buildIntent(allocatedLb(), nodes, { clusterName: 'c', provider: 'aws' }).targets.map(
        (t) => t.nodeName,
      ),
    ).toEqual(['a', 'b']);
  });

  it('plans no targets when there are no nodes', () => {
    expect(buildIntent(allocatedLb(), [], { clusterName: 'c', provider: 'aws' }).targets).toEqual(
      [],
    );
  });

  it("refuses when the only nodes are another cloud's", () => {
    expect(
      errorOf(() => buildIntent(allocatedLb(), NODES.gcp, { clusterName: 'c', provider: 'aws' })),
    ).toBe(
      'Node n1: spec.providerID: Invalid value: "gce://p/us-central1-a/n1": is not a node of provider aws; give the nodes of the cloud you plan for',
    );
  });

  it('gives each provider only its own options', () => {
    expect([
      intentOf({}, {}, 'aws').options,
      intentOf({}, {}, 'gcp').options,
      intentOf({}, {}, 'azure').options,
      intentOf({}, {}, 'local').options,
    ]).toEqual([{ aws: {} }, { gcp: {} }, { azure: {} }, {}]);
  });

  it('refuses a Service without UID', () => {
    const svc = allocatedLb();
    delete svc.metadata.uid;
    expect(errorOf(() => buildIntent(svc, [], { clusterName: 'c', provider: 'aws' }))).toContain(
      'metadata.uid: Required value',
    );
  });

  it('refuses a Service that is not a LoadBalancer', () => {
    const svc = service('x', { ports: [{ port: 80, nodePort: 30080 }] }, { uid: 'u' });
    expect(errorOf(() => buildIntent(svc, [], { clusterName: 'c', provider: 'aws' }))).toContain(
      'spec.type: Unsupported value: "ClusterIP": supported values: "LoadBalancer"',
    );
  });

  it('refuses a headless Service', () => {
    expect(errorOf(() => intentOf({}, { clusterIP: 'None', clusterIPs: ['None'] }))).toContain(
      `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for LoadBalancer services`,
    );
  });

  it('does not change its input', () => {
    const svc = allocatedLb({ 'lbctl.io/tags': 'a=1' });
    const before = structuredClone(svc);
    buildIntent(svc, NODES.aws, { clusterName: 'c', provider: 'aws' });
    expect(svc).toEqual(before);
  });
});
