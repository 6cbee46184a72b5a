import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import type { Node, Service } from '../../src/core/k8s.js';
import { prepareService } from '../../src/pipeline/index.js';
import { mixedPortsService } from '../support/mixed-ports.js';
import { provider } from '../../providers/gcp/index.js';

// Issue 12: a port Google cannot serve is refused on its own; the other ports are served.
const model = provider.model({
  clusterName: 'prod',
  values: { project: 'proj-1', region: 'us-central1' },
  env: {},
});
const node: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-a' },
  spec: { providerID: 'gce://proj-1/us-central1-a/node-a' },
  status: { addresses: [{ type: 'InternalIP', address: '10.128.0.2' }] },
};
const service = mixedPortsService;
const prepare = (s: Service) =>
  prepareService({ service: s, model, nodes: [node], clusterName: 'prod', mode: 'allocated' });

describe('gcp refusedPorts', () => {
  it('refuses SCTP per port and serves TCP and UDP', () => {
    const p = prepare(
      service([
        { name: 'web', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53, nodePort: 30053 },
        { name: 'sig', protocol: 'SCTP', port: 3868, targetPort: 3868, nodePort: 30868 },
      ]),
    );
    expect(p.refused).toEqual([
      {
        listener: 'sig',
        port: 3868,
        protocol: 'SCTP',
        reason: 'ProtocolNotSupported',
        message: expect.stringContaining('support "TCP", "UDP"'),
      },
    ]);
    const rules = p.desired.filter((r) => r.type === 'google_compute_forwarding_rule');
    expect(rules.map((r) => r.attributes['ip_protocol']).sort()).toEqual(['TCP', 'UDP']);
    const traffic = p.desired.find((r) => r.name === 'traffic');
    expect(traffic?.attributes['allowed']).toEqual([
      { protocol: 'tcp', ports: ['80'] },
      { protocol: 'udp', ports: ['53'] },
    ]);
  });

  it('refuses nothing when every port is TCP or UDP', () => {
    const p = prepare(
      service([{ name: 'web', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }]),
    );
    expect(p.refused).toEqual([]);
  });

  it('a Service of SCTP ports only is invalid input naming spec.ports', () => {
    const s = service([
      { name: 'sig', protocol: 'SCTP', port: 3868, targetPort: 3868, nodePort: 30868 },
    ]);
    expect(() => prepare(s)).toThrow(InvalidInputError);
    expect(() => prepare(s)).toThrow(/spec\.ports.*3868\/SCTP/);
  });
});
