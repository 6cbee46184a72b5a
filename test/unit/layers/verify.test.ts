import { describe, expect, it } from 'vitest';

import { verifyLayers } from '../../../src/layers/index.js';
import { errorOf, lb, service } from '../fixtures.js';

const allocated = { clusterIP: '10.96.1.1', ports: [{ port: 80, nodePort: 30080 }] };
const verify = (svc: Parameters<typeof verifyLayers>[0], requireNodePorts = true) =>
  verifyLayers(svc, { requireNodePorts });

describe('verifyLayers (cluster mode)', () => {
  it('passes a LoadBalancer with a ClusterIP and a nodePort on every port', () => {
    expect(() => verify(lb('a', allocated))).not.toThrow();
  });

  it('ignores Services that are not LoadBalancers', () => {
    expect(() => verify(service('a', { ports: [{ port: 80 }] }))).not.toThrow();
  });

  it('refuses a headless LoadBalancer', () => {
    expect(errorOf(() => verify(lb('a', { ...allocated, clusterIP: 'None' })))).toBe(
      `Service default/a: spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for LoadBalancer services`,
    );
  });

  it('refuses a LoadBalancer without a ClusterIP', () => {
    expect(errorOf(() => verify(lb('a', { ports: [{ port: 80, nodePort: 30080 }] })))).toContain(
      'spec.clusterIP: Required value',
    );
  });

  it('refuses a port without a nodePort', () => {
    const svc = lb('a', {
      clusterIP: '10.96.1.1',
      ports: [
        { name: 'a', port: 80, nodePort: 30080 },
        { name: 'b', port: 81 },
      ],
    });
    expect(errorOf(() => verify(svc))).toContain(
      'spec.ports[1].nodePort: Required value: a LoadBalancer Service needs a nodePort on every port',
    );
  });

  it('explains allocateLoadBalancerNodePorts: false when the provider targets NodePorts', () => {
    const svc = lb('a', { clusterIP: '10.96.1.1', allocateLoadBalancerNodePorts: false });
    expect(errorOf(() => verify(svc))).toContain(
      'spec.ports[0].nodePort: Required value: this provider targets NodePorts, but spec.allocateLoadBalancerNodePorts is false',
    );
  });

  it('accepts allocateLoadBalancerNodePorts: false for providers that do not need NodePorts', () => {
    expect(() =>
      verify(lb('a', { clusterIP: '10.96.1.1', allocateLoadBalancerNodePorts: false }), false),
    ).not.toThrow();
  });

  it('refuses externalTrafficPolicy Local without a healthCheckNodePort', () => {
    expect(
      errorOf(() => verify(lb('a', { ...allocated, externalTrafficPolicy: 'Local' }))),
    ).toContain('spec.healthCheckNodePort: Required value');
  });

  it('passes externalTrafficPolicy Local with a healthCheckNodePort', () => {
    expect(() =>
      verify(lb('a', { ...allocated, externalTrafficPolicy: 'Local', healthCheckNodePort: 30999 })),
    ).not.toThrow();
  });

  it('refuses an unknown protocol', () => {
    expect(
      errorOf(() =>
        verify(
          lb('a', {
            clusterIP: '10.96.1.1',
            ports: [{ port: 80, nodePort: 30080, protocol: 'QUIC' }],
          }),
        ),
      ),
    ).toContain('spec.ports[0].protocol: Unsupported value: "QUIC"');
  });

  it('does not change its input', () => {
    const svc = lb('a', allocated);
    verify(svc);
    expect(svc.spec).toEqual({
      type: 'LoadBalancer',
      ports: [{ port: 80, nodePort: 30080 }],
      clusterIP: '10.96.1.1',
    });
  });
});
