import { describe, expect, it } from 'vitest';
import type { Node, Service } from '../../src/core/k8s.js';
import { prepareService } from '../../src/pipeline/index.js';
import { mixedPortsService } from '../support/mixed-ports.js';
import { provider } from '../../providers/azure/index.js';

// Issue 12: a port Azure cannot serve (SCTP) is refused on its own; the other ports are served.
const model = provider.model({
  clusterName: 'prod',
  values: { 'subscription-id': '00000000-0000-4000-8000-000000000001', 'resource-group': 'rg' },
  env: {},
});
const node: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-a' },
  spec: {
    providerID:
      'azure:///subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/node-a',
  },
  status: { addresses: [{ type: 'InternalIP', address: '10.240.0.4' }] },
};
const service = mixedPortsService;
const prepare = (s: Service) =>
  prepareService({ service: s, model, nodes: [node], clusterName: 'prod', mode: 'allocated' });

describe('azure refusedPorts', () => {
  it('refuses SCTP per port and serves TCP and UDP', () => {
    const p = prepare(
      service([
        { name: 'web', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53, nodePort: 30053 },
        { name: 'sig', protocol: 'SCTP', port: 3868, targetPort: 3868, nodePort: 30868 },
      ]),
    );
    expect(p.refused.map((r) => [r.listener, r.reason])).toEqual([['sig', 'ProtocolNotSupported']]);
    expect(p.refused[0]?.message).toContain('support "TCP", "UDP"');
    const protocols = p.desired
      .filter((r) => r.type === 'azurerm_lb_rule')
      .map((r) => r.attributes['protocol'])
      .sort();
    expect(protocols).toEqual(['Tcp', 'Udp']);
  });

  it('refuses nothing for a TCP-only Service', () => {
    const p = prepare(
      service([{ name: 'web', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }]),
    );
    expect(p.refused).toEqual([]);
  });

  it('a Service with only SCTP ports is invalid input naming spec.ports', () => {
    expect(() =>
      prepare(
        service([{ name: 'sig', protocol: 'SCTP', port: 3868, targetPort: 3868, nodePort: 30868 }]),
      ),
    ).toThrow(/spec\.ports/);
  });
});
