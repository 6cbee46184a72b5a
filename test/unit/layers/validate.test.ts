import { describe, expect, it } from 'vitest';

import { InvalidInputError } from '../../../src/core/errors.js';
import { LayerAllocator } from '../../../src/layers/index.js';
import type { ServiceSpec } from '../../../src/core/k8s.js';
import { errorOf, service } from '../fixtures.js';

const allocate = (spec: ServiceSpec) => new LayerAllocator().allocate(service('web', spec));

describe('layers: static validation with the API server wording', () => {
  const cases: [string, ServiceSpec, string][] = [
    [
      'headless LoadBalancer',
      { type: 'LoadBalancer', clusterIP: 'None', ports: [{ port: 80 }] },
      `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for LoadBalancer services`,
    ],
    [
      'headless NodePort',
      { type: 'NodePort', clusterIPs: ['None'], ports: [{ port: 80 }] },
      `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`,
    ],
    [
      'unknown protocol',
      { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'HTTP' }] },
      'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ],
    [
      'lower-case protocol',
      { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'tcp' }] },
      'spec.ports[0].protocol: Unsupported value: "tcp"',
    ],
    [
      'port 0',
      { ports: [{ port: 0 }] },
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    ],
    [
      'port 65536',
      { ports: [{ port: 65536 }] },
      'spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive',
    ],
    [
      'targetPort 0',
      { ports: [{ port: 80, targetPort: 0 }] },
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ],
    [
      'nodePort 70000',
      { type: 'NodePort', ports: [{ port: 80, nodePort: 70000 }] },
      'spec.ports[0].nodePort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ],
    [
      'duplicate port and protocol',
      {
        ports: [
          { name: 'a', port: 80 },
          { name: 'b', port: 80 },
        ],
      },
      'spec.ports[1]: Duplicate value: {"protocol":"TCP","port":80}',
    ],
    [
      'duplicate nodePort in one Service',
      {
        type: 'NodePort',
        ports: [
          { name: 'a', port: 80, nodePort: 30008 },
          { name: 'b', port: 81, nodePort: 30008 },
        ],
      },
      'spec.ports[1].nodePort: Duplicate value: 30008',
    ],
    [
      'missing port names',
      { ports: [{ port: 80 }, { port: 81 }] },
      'spec.ports[0].name: Required value',
    ],
    [
      'duplicate port names',
      {
        ports: [
          { name: 'a', port: 80 },
          { name: 'a', port: 81 },
        ],
      },
      'spec.ports[1].name: Duplicate value: "a"',
    ],
    [
      'invalid port name',
      { ports: [{ name: 'Web', port: 80 }] },
      'spec.ports[0].name: Invalid value: "Web": a lowercase RFC 1123 label',
    ],
    ['no ports', { type: 'ClusterIP', ports: [] }, 'spec.ports: Required value'],
    [
      'unknown type',
      { type: 'Ingress' as 'ClusterIP', ports: [{ port: 80 }] },
      'spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ],
    [
      'nodePort on a ClusterIP Service',
      { type: 'ClusterIP', ports: [{ port: 80, nodePort: 30001 }] },
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ],
    [
      'healthCheckNodePort without Local',
      { type: 'LoadBalancer', ports: [{ port: 80 }], healthCheckNodePort: 30100 },
      "spec.healthCheckNodePort: Invalid value: 30100: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
    ],
    [
      'unknown externalTrafficPolicy',
      { type: 'LoadBalancer', ports: [{ port: 80 }], externalTrafficPolicy: 'Node' as 'Local' },
      'spec.externalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"',
    ],
    [
      'unknown sessionAffinity',
      { ports: [{ port: 80 }], sessionAffinity: 'Cookie' as 'None' },
      'spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"',
    ],
    [
      'affinity timeout above a day',
      {
        ports: [{ port: 80 }],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } },
      },
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400',
    ],
    [
      'clusterIP that is not an IP',
      { clusterIP: '10.96.0.300', ports: [{ port: 80 }] },
      'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ],
    [
      'two clusterIPs with SingleStack',
      { clusterIPs: ['10.96.0.10', 'fd00::10'], ports: [{ port: 80 }] },
      `spec.ipFamilyPolicy: Invalid value: "SingleStack": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified`,
    ],
    [
      'unknown ipFamily',
      { ipFamilies: ['IPv5' as 'IPv4'], ports: [{ port: 80 }] },
      'spec.ipFamilies[0]: Unsupported value: "IPv5"',
    ],
    ['ExternalName without a name', { type: 'ExternalName' }, 'spec.externalName: Required value'],
    [
      'allocateLoadBalancerNodePorts on a NodePort Service',
      { type: 'NodePort', ports: [{ port: 80 }], allocateLoadBalancerNodePorts: false },
      "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ],
  ];

  for (const [what, spec, message] of cases) {
    it(`refuses ${what}`, () => {
      expect(errorOf(() => allocate(spec))).toContain(message);
    });
  }

  it('names the Service in the message', () => {
    expect(errorOf(() => allocate({ ports: [{ port: 0 }] }))).toMatch(/^Service default\/web: /);
  });

  it('throws an InvalidInputError of kind invalid carrying every problem', () => {
    let error: unknown;
    try {
      allocate({ ports: [{ port: 0, protocol: 'HTTP' }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).kind).toBe('invalid');
    expect((error as InvalidInputError).problems.map((p) => p.field)).toEqual([
      'spec.ports[0].protocol',
      'spec.ports[0].port',
    ]);
  });

  it('accepts TCP and UDP on the same port', () => {
    const out = allocate({
      type: 'NodePort',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53 },
      ],
    });
    expect(out.spec.ports?.map((p) => p.protocol)).toEqual(['UDP', 'TCP']);
  });

  it('accepts SCTP', () => {
    expect(allocate({ ports: [{ port: 3868, protocol: 'SCTP' }] }).spec.ports?.[0]?.protocol).toBe(
      'SCTP',
    );
  });

  it('accepts a headless ClusterIP Service', () => {
    expect(allocate({ clusterIP: 'None', ports: [{ port: 80 }] }).spec.clusterIPs).toEqual([
      'None',
    ]);
  });
});
