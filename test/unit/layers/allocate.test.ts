import { describe, expect, it } from 'vitest';

import { allocateAll, DEFAULT_LAYERS, LayerAllocator } from '../../../src/layers/index.js';
import { errorOf, lb, service } from '../fixtures.js';

const DUAL = {
  serviceCIDRs: ['10.96.0.0/16', 'fd00:10:96::/108'],
  nodePortRange: { min: 30000, max: 32767 },
};
const SMALL_PORTS = { serviceCIDRs: ['10.96.0.0/12'], nodePortRange: { min: 30000, max: 30001 } };

describe('LayerAllocator: ClusterIPs', () => {
  it('gives the first dynamic address past the static band of a /12 (10.96.1.1)', () => {
    expect(new LayerAllocator().allocate(lb('a')).spec.clusterIP).toBe('10.96.1.1');
  });

  it('gives consecutive addresses in call order', () => {
    const a = new LayerAllocator();
    a.allocate(lb('a'));
    expect(a.allocate(lb('b')).spec.clusterIPs).toEqual(['10.96.1.2']);
  });

  it('honours a requested ClusterIP in the range', () => {
    expect(
      new LayerAllocator().allocate(lb('dns', { clusterIP: '10.96.0.10' })).spec.clusterIPs,
    ).toEqual(['10.96.0.10']);
  });

  it('refuses a requested ClusterIP outside the range', () => {
    expect(errorOf(() => new LayerAllocator().allocate(lb('a', { clusterIP: '10.0.0.5' })))).toBe(
      'Service default/a: spec.clusterIPs: Invalid value: ["10.0.0.5"]: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
  });

  it('refuses the network address of the range', () => {
    expect(
      errorOf(() => new LayerAllocator().allocate(lb('a', { clusterIP: '10.96.0.0' }))),
    ).toContain('the provided IP (10.96.0.0) is not in the valid range');
  });

  it('refuses the IPv4 broadcast address of the range', () => {
    expect(
      errorOf(() => new LayerAllocator().allocate(lb('a', { clusterIP: '10.111.255.255' }))),
    ).toContain('is not in the valid range');
  });

  it('refuses a ClusterIP another Service holds', () => {
    const a = new LayerAllocator();
    a.allocate(lb('a', { clusterIP: '10.96.0.10' }));
    expect(errorOf(() => a.allocate(lb('b', { clusterIP: '10.96.0.10' })))).toBe(
      'Service default/b: spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    );
  });

  it('skips addresses that were requested earlier when allocating dynamically', () => {
    const a = new LayerAllocator();
    a.allocate(lb('a', { clusterIP: '10.96.1.1' }));
    expect(a.allocate(lb('b')).spec.clusterIP).toBe('10.96.1.2');
  });

  it('allocates from an IPv6-only range', () => {
    const a = new LayerAllocator({ ...DEFAULT_LAYERS, serviceCIDRs: ['fd00:10:96::/108'] });
    const out = a.allocate(lb('a'));
    expect([out.spec.clusterIP, out.spec.ipFamilies]).toEqual(['fd00:10:96::101', ['IPv6']]);
  });

  it('prints a requested IPv6 address in canonical form', () => {
    const a = new LayerAllocator({ ...DEFAULT_LAYERS, serviceCIDRs: ['fd00:10:96::/108'] });
    expect(a.allocate(lb('a', { clusterIP: 'FD00:10:96:0:0:0:0:A' })).spec.clusterIP).toBe(
      'fd00:10:96::a',
    );
  });

  it('gives SingleStack Services one family on a dual-stack cluster', () => {
    expect(new LayerAllocator(DUAL).allocate(lb('a')).spec.ipFamilies).toEqual(['IPv4']);
  });

  it('gives RequireDualStack Services an address of each family, primary first', () => {
    const out = new LayerAllocator(DUAL).allocate(lb('a', { ipFamilyPolicy: 'RequireDualStack' }));
    expect(out.spec.clusterIPs).toEqual(['10.96.1.1', 'fd00:10:96::101']);
  });

  it('honours ipFamilies order for dual-stack Services', () => {
    const out = new LayerAllocator(DUAL).allocate(
      lb('a', { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv6', 'IPv4'] }),
    );
    expect(out.spec.clusterIPs).toEqual(['fd00:10:96::101', '10.96.1.1']);
  });

  it('gives PreferDualStack one family on a single-stack cluster', () => {
    expect(
      new LayerAllocator().allocate(lb('a', { ipFamilyPolicy: 'PreferDualStack' })).spec.ipFamilies,
    ).toEqual(['IPv4']);
  });

  it('refuses RequireDualStack on a single-stack cluster', () => {
    expect(
      errorOf(() => new LayerAllocator().allocate(lb('a', { ipFamilyPolicy: 'RequireDualStack' }))),
    ).toContain(
      'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
    );
  });

  it('refuses an IP family the cluster does not have', () => {
    expect(
      errorOf(() => new LayerAllocator().allocate(lb('a', { ipFamilies: ['IPv6'] }))),
    ).toContain('spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster');
  });

  it('keeps headless ClusterIP Services headless', () => {
    expect(
      new LayerAllocator().allocate(service('h', { clusterIP: 'None', ports: [{ port: 80 }] })).spec
        .clusterIP,
    ).toBe('None');
  });

  it('gives ExternalName Services no layers', () => {
    const out = new LayerAllocator().allocate(
      service('x', { type: 'ExternalName', externalName: 'example.com' }),
    );
    expect([out.spec.clusterIP, out.spec.ipFamilies, out.spec.ports]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reports a full range', () => {
    const a = new LayerAllocator({ ...DEFAULT_LAYERS, serviceCIDRs: ['10.96.0.0/30'] });
    a.allocate(service('a', { ports: [{ port: 80 }] }));
    a.allocate(service('b', { ports: [{ port: 80 }] }));
    expect(errorOf(() => a.allocate(service('c', { ports: [{ port: 80 }] })))).toContain(
      'failed to allocate a serviceIP: range is full',
    );
  });
});

describe('LayerAllocator: NodePorts', () => {
  it('gives LoadBalancer ports the first dynamic nodePort (30086, past the static band)', () => {
    expect(new LayerAllocator().allocate(lb('a')).spec.ports?.[0]?.nodePort).toBe(30086);
  });

  it('gives NodePort Services nodePorts', () => {
    expect(
      new LayerAllocator().allocate(service('a', { type: 'NodePort', ports: [{ port: 80 }] })).spec
        .ports?.[0]?.nodePort,
    ).toBe(30086);
  });

  it('gives ClusterIP Services no nodePorts', () => {
    expect(
      new LayerAllocator().allocate(service('a', { ports: [{ port: 80 }] })).spec.ports?.[0]
        ?.nodePort,
    ).toBeUndefined();
  });

  it('honours a requested nodePort', () => {
    expect(
      new LayerAllocator().allocate(lb('a', { ports: [{ port: 80, nodePort: 30008 }] })).spec
        .ports?.[0]?.nodePort,
    ).toBe(30008);
  });

  it('refuses nodePort 29999 with the API server message', () => {
    expect(
      errorOf(() =>
        new LayerAllocator().allocate(lb('a', { ports: [{ port: 80, nodePort: 29999 }] })),
      ),
    ).toBe(
      'Service default/a: spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  it('names the configured range when refusing', () => {
    const a = new LayerAllocator({ ...DEFAULT_LAYERS, nodePortRange: { min: 20000, max: 22767 } });
    expect(
      errorOf(() => a.allocate(lb('a', { ports: [{ port: 80, nodePort: 30000 }] }))),
    ).toContain('The range of valid ports is 20000-22767');
  });

  it('refuses a nodePort another Service holds, naming the port index', () => {
    const a = new LayerAllocator();
    a.allocate(lb('a', { ports: [{ port: 80, nodePort: 30008 }] }));
    const b = lb('b', {
      ports: [
        { name: 'http', port: 80 },
        { name: 'https', port: 443, nodePort: 30008 },
      ],
    });
    expect(errorOf(() => a.allocate(b))).toBe(
      'Service default/b: spec.ports[1].nodePort: Invalid value: 30008: provided port is already allocated',
    );
  });

  it('shares one nodePort between TCP and UDP on the same port', () => {
    const out = new LayerAllocator().allocate(
      lb('dns', {
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      }),
    );
    expect(out.spec.ports?.map((p) => p.nodePort)).toEqual([30086, 30086]);
  });

  it('uses a nodePort requested on a later port of the same number for the earlier one', () => {
    const out = new LayerAllocator().allocate(
      lb('dns', {
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, nodePort: 30053 },
        ],
      }),
    );
    expect(out.spec.ports?.map((p) => p.nodePort)).toEqual([30053, 30053]);
  });

  it('allocates nothing new when allocateLoadBalancerNodePorts is false', () => {
    const out = new LayerAllocator().allocate(lb('a', { allocateLoadBalancerNodePorts: false }));
    expect(out.spec.ports?.[0]?.nodePort).toBeUndefined();
  });

  it('still honours requested nodePorts when allocateLoadBalancerNodePorts is false', () => {
    const out = new LayerAllocator().allocate(
      lb('a', { allocateLoadBalancerNodePorts: false, ports: [{ port: 80, nodePort: 30500 }] }),
    );
    expect(out.spec.ports?.[0]?.nodePort).toBe(30500);
  });

  it('falls back to the static band when the dynamic band is full', () => {
    const a = new LayerAllocator({ ...DEFAULT_LAYERS, nodePortRange: { min: 30000, max: 30016 } });
    a.allocate(lb('first'));
    expect(a.allocate(lb('next')).spec.ports?.[0]?.nodePort).toBe(30000);
  });

  it('reports a full NodePort range', () => {
    const a = new LayerAllocator(SMALL_PORTS);
    a.allocate(
      lb('a', {
        ports: [
          { name: 'a', port: 80 },
          { name: 'b', port: 81 },
        ],
      }),
    );
    expect(errorOf(() => a.allocate(lb('b')))).toBe(
      'Service default/b: spec.ports[0].nodePort: Forbidden: failed to allocate a nodePort: range is full',
    );
  });

  it('is deterministic: the same calls give the same ports', () => {
    const run = () => {
      const a = new LayerAllocator();
      return [lb('a'), lb('b'), lb('c')].map((s) => a.allocate(s).spec.ports?.[0]?.nodePort);
    };
    expect(run()).toEqual(run());
  });

  it('does not change its input', () => {
    const input = lb('a');
    new LayerAllocator().allocate(input);
    expect(input.spec).toEqual({ type: 'LoadBalancer', ports: [{ port: 80 }] });
  });
});

describe('LayerAllocator: healthCheckNodePort', () => {
  it('allocates one for externalTrafficPolicy Local', () => {
    expect(
      new LayerAllocator().allocate(lb('a', { externalTrafficPolicy: 'Local' })).spec
        .healthCheckNodePort,
    ).toBe(30087);
  });

  it('allocates none for externalTrafficPolicy Cluster', () => {
    expect(new LayerAllocator().allocate(lb('a')).spec.healthCheckNodePort).toBeUndefined();
  });

  it('honours a requested one', () => {
    const out = new LayerAllocator().allocate(
      lb('a', { externalTrafficPolicy: 'Local', healthCheckNodePort: 32000 }),
    );
    expect(out.spec.healthCheckNodePort).toBe(32000);
  });

  it('refuses a requested one that is taken, in the API server wording', () => {
    const a = new LayerAllocator();
    a.allocate(lb('a', { ports: [{ port: 80, nodePort: 32000 }] }));
    expect(
      errorOf(() =>
        a.allocate(lb('b', { externalTrafficPolicy: 'Local', healthCheckNodePort: 32000 })),
      ),
    ).toBe(
      'Service default/b: spec.healthCheckNodePort: Invalid value: 32000: failed to allocate requested HealthCheck NodePort 32000: provided port is already allocated',
    );
  });

  it('refuses one equal to a nodePort of the same Service', () => {
    const svc = lb('a', {
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 30100,
      ports: [{ port: 80, nodePort: 30100 }],
    });
    expect(errorOf(() => new LayerAllocator().allocate(svc))).toContain(
      'provided port is already allocated',
    );
  });
});

describe('LayerAllocator: updates, type changes and release', () => {
  it('keeps assigned nodePorts and ClusterIP on update when the new object leaves them out', () => {
    const a = new LayerAllocator();
    const first = a.allocate(lb('a'));
    const second = a.allocate(lb('a'), first);
    expect([second.spec.clusterIP, second.spec.ports?.[0]?.nodePort]).toEqual([
      first.spec.clusterIP,
      first.spec.ports?.[0]?.nodePort,
    ]);
  });

  it('refuses a changed ClusterIP on update', () => {
    const a = new LayerAllocator();
    const first = a.allocate(lb('a'));
    expect(errorOf(() => a.allocate(lb('a', { clusterIP: '10.96.0.50' }), first))).toContain(
      'spec.clusterIPs[0]: Invalid value: "10.96.0.50": may not change once set',
    );
  });

  it('drops nodePorts when a LoadBalancer becomes ClusterIP', () => {
    const a = new LayerAllocator();
    const first = a.allocate(lb('a'));
    const second = a.allocate({ ...first, spec: { ...first.spec, type: 'ClusterIP' } }, first);
    expect(second.spec.ports?.[0]?.nodePort).toBeUndefined();
  });

  it('frees the dropped nodePorts for other Services', () => {
    const a = new LayerAllocator();
    const first = a.allocate(lb('a', { ports: [{ port: 80, nodePort: 30008 }] }));
    a.allocate({ ...first, spec: { ...first.spec, type: 'ClusterIP' } }, first);
    expect(
      a.allocate(lb('b', { ports: [{ port: 80, nodePort: 30008 }] })).spec.ports?.[0]?.nodePort,
    ).toBe(30008);
  });

  it('drops the healthCheckNodePort when Local becomes Cluster', () => {
    const a = new LayerAllocator();
    const first = a.allocate(lb('a', { externalTrafficPolicy: 'Local' }));
    const second = a.allocate(
      { ...first, spec: { ...first.spec, externalTrafficPolicy: 'Cluster' } },
      first,
    );
    expect(second.spec.healthCheckNodePort).toBeUndefined();
  });

  it('releases the ClusterIP when a Service becomes ExternalName', () => {
    const a = new LayerAllocator();
    const first = a.allocate(lb('a'));
    a.allocate(service('a', { type: 'ExternalName', externalName: 'example.com' }), first);
    expect(a.usage()).toEqual({ ips: { IPv4: 0 }, nodePorts: 0 });
  });

  it('allocates layers when an ExternalName Service becomes LoadBalancer', () => {
    const a = new LayerAllocator();
    const first = a.allocate(service('a', { type: 'ExternalName', externalName: 'example.com' }));
    const second = a.allocate(lb('a'), first);
    expect([second.spec.clusterIP, second.spec.ports?.[0]?.nodePort]).toEqual(['10.96.1.1', 30086]);
  });

  it('keeps nodePorts when NodePort becomes LoadBalancer', () => {
    const a = new LayerAllocator();
    const first = a.allocate(service('a', { type: 'NodePort', ports: [{ port: 80 }] }));
    const second = a.allocate({ ...first, spec: { ...first.spec, type: 'LoadBalancer' } }, first);
    expect(second.spec.ports?.[0]?.nodePort).toBe(first.spec.ports?.[0]?.nodePort);
  });

  it('releases everything on delete', () => {
    const a = new LayerAllocator();
    const first = a.allocate(lb('a', { externalTrafficPolicy: 'Local' }));
    a.release(first);
    expect(a.usage()).toEqual({ ips: { IPv4: 0 }, nodePorts: 0 });
  });

  it('hands released ports out again', () => {
    const a = new LayerAllocator();
    a.release(a.allocate(lb('a')));
    expect(a.allocate(lb('b')).spec.ports?.[0]?.nodePort).toBe(30086);
  });

  it('leaves allocations untouched when an allocation fails', () => {
    const a = new LayerAllocator();
    a.allocate(lb('a', { ports: [{ port: 80, nodePort: 30008 }] }));
    errorOf(() =>
      a.allocate(
        lb('b', {
          ports: [
            { name: 'x', port: 80 },
            { name: 'y', port: 81, nodePort: 30008 },
          ],
        }),
      ),
    );
    expect(a.usage()).toEqual({ ips: { IPv4: 1 }, nodePorts: 1 });
  });
});

describe('LayerAllocator: configuration', () => {
  it('refuses a service CIDR with host bits', () => {
    expect(
      errorOf(() => new LayerAllocator({ ...DEFAULT_LAYERS, serviceCIDRs: ['10.96.0.1/12'] })),
    ).toContain('layers configuration: serviceCIDRs[0]: Invalid value: "10.96.0.1/12"');
  });

  it('refuses two CIDRs of one family', () => {
    expect(
      errorOf(
        () =>
          new LayerAllocator({
            ...DEFAULT_LAYERS,
            serviceCIDRs: ['10.96.0.0/12', '10.128.0.0/12'],
          }),
      ),
    ).toContain('serviceCIDRs[1]');
  });

  it('refuses an inverted NodePort range', () => {
    expect(
      errorOf(
        () => new LayerAllocator({ ...DEFAULT_LAYERS, nodePortRange: { min: 32767, max: 30000 } }),
      ),
    ).toContain('nodePortRange: Invalid value: "32767-30000"');
  });
});

describe('allocateAll (files mode)', () => {
  it('reserves requested ports before allocating, so an earlier Service never takes a later one’s port', () => {
    const [a, b] = allocateAll([lb('a'), lb('b', { ports: [{ port: 80, nodePort: 30086 }] })]);
    expect([a?.spec.ports?.[0]?.nodePort, b?.spec.ports?.[0]?.nodePort]).toEqual([30087, 30086]);
  });

  it('reserves requested ClusterIPs before allocating', () => {
    const [a] = allocateAll([lb('a'), lb('b', { clusterIP: '10.96.1.1' })]);
    expect(a?.spec.clusterIP).toBe('10.96.1.2');
  });

  it('refuses two Services requesting the same nodePort, naming the second', () => {
    const input = [
      lb('a', { ports: [{ port: 80, nodePort: 30008 }] }),
      lb('b', { ports: [{ port: 80, nodePort: 30008 }] }),
    ];
    expect(errorOf(() => allocateAll(input))).toBe(
      'Service default/b: spec.ports[0].nodePort: Invalid value: 30008: provided port is already allocated',
    );
  });

  it('refuses two Services with the same namespace and name', () => {
    expect(errorOf(() => allocateAll([lb('a'), lb('a')]))).toBe(
      'Service default/a: metadata.name: Duplicate value: "a"',
    );
  });

  it('is deterministic', () => {
    const input = [
      lb('a'),
      lb('b', { externalTrafficPolicy: 'Local' }),
      service('c', { type: 'NodePort', ports: [{ port: 80 }] }),
    ];
    expect(allocateAll(input)).toEqual(allocateAll(input));
  });

  it('accepts a custom configuration', () => {
    const [a] = allocateAll([lb('a')], {
      serviceCIDRs: ['172.20.0.0/16'],
      nodePortRange: { min: 40000, max: 40999 },
    });
    expect([a?.spec.clusterIP, a?.spec.ports?.[0]?.nodePort]).toEqual(['172.20.1.1', 40031]);
  });
});
