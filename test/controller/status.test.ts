import { describe, expect, it } from 'vitest';
import { statusPatch } from '../../src/controller/status.js';
import type { LoadBalancerIngress, Service } from '../../src/core/k8s.js';

const svc = (ingress?: LoadBalancerIngress[]): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { type: 'LoadBalancer' },
  ...(ingress === undefined ? {} : { status: { loadBalancer: { ingress } } }),
});

describe('statusPatch: written only when it changed', () => {
  it.each([
    [
      'same address',
      [{ ip: '192.0.2.1', ipMode: 'VIP' as const }],
      [{ ipMode: 'VIP' as const, ip: '192.0.2.1' }],
      undefined,
    ],
    [
      'same set, other order',
      [{ hostname: 'a' }, { hostname: 'b' }],
      [{ hostname: 'b' }, { hostname: 'a' }],
      undefined,
    ],
    ['nothing before, nothing now', undefined, [], undefined],
    [
      'new address',
      undefined,
      [{ hostname: 'x.elb.amazonaws.com' }],
      { loadBalancer: { ingress: [{ hostname: 'x.elb.amazonaws.com' }] } },
    ],
    ['cleared', [{ ip: '192.0.2.1' }], [], { loadBalancer: { ingress: null } }],
    [
      'a port error appears',
      [{ ip: '192.0.2.1' }],
      [
        {
          ip: '192.0.2.1',
          ports: [{ port: 53, protocol: 'UDP' as const, error: 'UDPNotSupported' }],
        },
      ],
      {
        loadBalancer: {
          ingress: [
            { ip: '192.0.2.1', ports: [{ port: 53, protocol: 'UDP', error: 'UDPNotSupported' }] },
          ],
        },
      },
    ],
  ])('%s', (_name, before, after, patch) => {
    expect(statusPatch(svc(before), after)).toEqual(patch);
  });
});
