// ProviderModel.refusedPorts for AWS: an NLB serves TCP, UDP, TLS and TCP_UDP listeners, so a
// Service port with SCTP is refused on its own and the other ports are served.
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import type { Node, Service } from '../../src/core/k8s.js';
import { prepareService } from '../../src/pipeline/index.js';
import { provider } from '../../providers/aws/index.js';
import { LISTENER } from '../../providers/aws/schemas.js';

const model = provider.model({ clusterName: 'test', values: { region: 'us-east-1' }, env: {} });

const node: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1' },
  spec: { providerID: 'aws:///us-east-1a/i-00000000000000001' },
  status: {
    addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
    conditions: [{ type: 'Ready', status: 'True' }],
  },
};

const service = (ports: { name: string; port: number; protocol: 'TCP' | 'SCTP' }[]): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', uid: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' },
  spec: {
    type: 'LoadBalancer',
    ports: ports.map((p, i) => ({ ...p, targetPort: 8080, nodePort: 30080 + i })),
  },
});

const prepare = (svc: Service) =>
  prepareService({ service: svc, nodes: [node], model, clusterName: 'test', mode: 'allocated' });

describe('AWS refusedPorts', () => {
  it('an SCTP port is refused, the TCP port beside it is served', () => {
    const p = prepare(
      service([
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'sig', port: 9, protocol: 'SCTP' },
      ]),
    );
    expect(p.refused).toEqual([
      expect.objectContaining({
        listener: 'sig',
        port: 9,
        protocol: 'SCTP',
        reason: 'ProtocolNotSupported',
      }),
    ]);
    expect(p.refused[0]?.message).toMatch(/TCP, UDP, TLS or TCP_UDP/);
    const listeners = p.desired.filter((r) => r.type === LISTENER);
    expect(listeners.map((l) => [l.name, l.attributes['port']])).toEqual([['http', 80]]);
    // The intent keeps every port, for the per-port status.
    expect(p.intent?.listeners.map((l) => l.name).sort()).toEqual(['http', 'sig']);
  });

  it('TCP only: nothing refused', () => {
    expect(prepare(service([{ name: 'http', port: 80, protocol: 'TCP' }])).refused).toEqual([]);
  });

  it('every port SCTP: invalid input naming spec.ports and the ports', () => {
    expect(() => prepare(service([{ name: 'sig', port: 9, protocol: 'SCTP' }]))).toThrow(
      InvalidInputError,
    );
    expect(() => prepare(service([{ name: 'sig', port: 9, protocol: 'SCTP' }]))).toThrow(
      /spec\.ports.*9\/SCTP/,
    );
  });
});
