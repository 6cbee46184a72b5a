import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import { provider } from '../../providers/azure/index.js';
import { azureIngress } from '../../providers/azure/ingress.js';
import { isServiceChild, serviceNamePrefix } from '../../providers/azure/names.js';
import { intentFixture } from './intent-fixture.js';

const model = provider.model({ clusterName: 'prod', values: {}, env: {} });
const byAddress = (rs: Resource[]) => new Map(rs.map((r) => [addressOf(r), r]));

describe('azure desired resources', () => {
  it('builds the shared load balancer, pool, and per-Service pieces with in-tree names', () => {
    const rs = byAddress(model.desired(intentFixture()));
    expect([...rs.keys()].sort()).toEqual([
      'azurerm_lb.shared',
      'azurerm_lb_backend_address_pool.default-web',
      'azurerm_lb_frontend_ip_configuration.default-web',
      'azurerm_lb_probe.default-web',
      'azurerm_lb_rule.http',
      'azurerm_lb_rule.https',
      'azurerm_network_security_rule.http',
      'azurerm_network_security_rule.https',
      'azurerm_public_ip.default-web',
    ]);
    expect(rs.get('azurerm_lb.shared')?.attributes).toMatchObject({
      name: 'prod',
      sku: 'Standard',
    });
    expect(rs.get('azurerm_lb_frontend_ip_configuration.default-web')?.attributes.name).toBe(
      'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2',
    );
    expect(rs.get('azurerm_lb_rule.https')?.attributes).toMatchObject({
      name: 'a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2-TCP-443',
      frontend_port: 443,
      backend_port: 30443,
      protocol: 'Tcp',
      probe: 'azurerm_lb_probe.default-web',
      backend_address_pool: 'azurerm_lb_backend_address_pool.default-web',
    });
    expect(rs.get('azurerm_public_ip.default-web')?.attributes).toMatchObject({
      name: 'prod-a3f1c2b8e0d4a4c1e9b7a2a6f5e4d3c2',
      sku: 'Standard',
      allocation_method: 'Static',
    });
  });

  it('maps ownership tags to Azure tag names without "/"', () => {
    const rs = byAddress(model.desired(intentFixture()));
    expect(rs.get('azurerm_public_ip.default-web')?.attributes.tags).toEqual({
      'k8s-azure-cluster-name': 'prod',
      'k8s-azure-service': 'default/web',
      'k8s-azure-service-uid': '3f1c2b8e-0d4a-4c1e-9b7a-2a6f5e4d3c2b',
      'lbctl-resource': 'azurerm_public_ip.default-web',
    });
    expect(rs.get('azurerm_lb.shared')?.attributes.tags).toEqual({
      'k8s-azure-cluster-name': 'prod',
      'lbctl-resource': 'azurerm_lb.shared',
    });
  });

  it('puts node InternalIPs into the pool as a sorted set', () => {
    const rs = byAddress(model.desired(intentFixture()));
    expect(rs.get('azurerm_lb_backend_address_pool.default-web')?.attributes.addresses).toEqual([
      '10.240.0.4',
      '10.240.0.5',
    ]);
  });

  it('uses the internal load balancer, subnet and a requested private IP for internal Services', () => {
    const rs = byAddress(
      model.desired(
        intentFixture({
          scheme: 'internal',
          requestedIPs: ['10.240.0.100'],
          options: { azure: { internalSubnet: 'ilb' } },
        }),
      ),
    );
    expect(rs.has('azurerm_public_ip.default-web')).toBe(false);
    expect(rs.get('azurerm_lb.shared-internal')?.attributes.name).toBe('prod-internal');
    expect(rs.get('azurerm_lb_frontend_ip_configuration.default-web')?.attributes).toMatchObject({
      loadbalancer: 'azurerm_lb.shared-internal',
      subnet: 'ilb',
      private_ip_allocation: 'Static',
      private_ip_address: '10.240.0.100',
    });
  });

  it('references an existing public IP for a requested external address, and honours azure-pip-name', () => {
    const byIP = byAddress(model.desired(intentFixture({ requestedIPs: ['20.1.2.3'] })));
    expect(byIP.has('azurerm_public_ip.default-web')).toBe(false);
    expect(
      byIP.get('azurerm_lb_frontend_ip_configuration.default-web')?.attributes.public_ip_address,
    ).toBe('20.1.2.3');
    const byName = byAddress(
      model.desired(intentFixture({ options: { azure: { pipName: 'my-pip' } } })),
    );
    expect(byName.get('azurerm_public_ip.default-web')?.attributes.name).toBe('my-pip');
  });

  it('opens the nodePorts to the source ranges, or to Internet when there are none', () => {
    const open = byAddress(model.desired(intentFixture()));
    expect(open.get('azurerm_network_security_rule.http')?.attributes).toMatchObject({
      source_address_prefixes: ['Internet'],
      destination_port_range: '30080',
      network_security_group: 'prod-nsg',
    });
    const ranged = byAddress(
      model.desired(intentFixture({ sourceRanges: ['10.0.0.0/8', '192.168.0.0/16'] })),
    );
    expect(
      ranged.get('azurerm_network_security_rule.http')?.attributes.source_address_prefixes,
    ).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
  });

  it('uses an HTTP probe on /healthz for Local and SourceIP distribution for ClientIP affinity', () => {
    const rs = byAddress(
      model.desired(
        intentFixture({
          externalTrafficPolicy: 'Local',
          healthCheck: {
            mode: 'service',
            protocol: 'HTTP',
            port: 32000,
            path: '/healthz',
            intervalSeconds: 10,
            timeoutSeconds: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
          },
          sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
        }),
      ),
    );
    expect(rs.get('azurerm_lb_probe.default-web')?.attributes).toMatchObject({
      protocol: 'Http',
      port: 32000,
      request_path: '/healthz',
      probe_threshold: 3,
    });
    expect(rs.get('azurerm_lb_rule.http')?.attributes.load_distribution).toBe('SourceIP');
  });

  it('rejects SCTP, nodes without an InternalIP, and tag names Azure refuses', () => {
    expect(() =>
      model.desired(
        intentFixture({
          listeners: [{ name: 'sctp-9', protocol: 'SCTP', port: 9, nodePort: 30009 }],
        }),
      ),
    ).toThrow(/Service default\/web: spec.ports\[\].protocol: Unsupported value: "SCTP"/);
    expect(() =>
      model.desired(intentFixture({ targets: [{ nodeName: 'n1', providerID: 'azure:///x' }] })),
    ).toThrow(InvalidInputError);
    expect(() => model.desired(intentFixture({ extraTags: { 'team/a': 'x' } }))).toThrow(/team\/a/);
  });

  it("disables the rules' outbound SNAT unless disable-outbound-snat=false; other values are refused", () => {
    const snat = (values: Record<string, string>) =>
      provider
        .model({ clusterName: 'prod', values, env: {} })
        .desired(intentFixture())
        .filter((r) => r.type === 'azurerm_lb_rule')
        .map((r) => r.attributes.disable_outbound_snat);
    expect(snat({})).toEqual([true, true]);
    expect(snat({ 'disable-outbound-snat': 'false' })).toEqual([false, false]);
    expect(() => snat({ 'disable-outbound-snat': 'no' })).toThrow(
      /disable-outbound-snat: Invalid value: "no": must be true or false/,
    );
  });

  it('is deterministic', () => {
    expect(model.desired(intentFixture())).toEqual(model.desired(intentFixture()));
  });
});

describe('azure names and ingress', () => {
  it('recognises a Service child by its prefix only', () => {
    const svc = intentFixture().service;
    const prefix = serviceNamePrefix(svc);
    expect(isServiceChild(`${prefix}-TCP-80`, svc)).toBe(true);
    expect(isServiceChild(prefix, svc)).toBe(true);
    expect(isServiceChild(`${prefix}x-TCP-80`, svc)).toBe(false);
  });

  it('reports the public IP, else the private frontend address', () => {
    const rs = model
      .desired(intentFixture())
      .map((r) =>
        r.type === 'azurerm_public_ip'
          ? { ...r, attributes: { ...r.attributes, ip_address: '20.0.0.9' } }
          : r,
      );
    expect(azureIngress(rs)).toEqual([{ ip: '20.0.0.9', ipMode: 'VIP' }]);
    expect(azureIngress(model.desired(intentFixture()))).toEqual([]);
    const internal = model
      .desired(intentFixture({ scheme: 'internal' }))
      .map((r) =>
        r.type === 'azurerm_lb_frontend_ip_configuration'
          ? { ...r, attributes: { ...r.attributes, private_ip_address: '10.240.0.7' } }
          : r,
      );
    expect(azureIngress(internal)).toEqual([{ ip: '10.240.0.7', ipMode: 'VIP' }]);
  });

  it('validates settings, naming the key', () => {
    expect(() => provider.model({ clusterName: 'prod', values: { region: 'x' }, env: {} })).toThrow(
      /region/,
    );
    expect(() =>
      provider.model({ clusterName: 'prod', values: { endpoint: 'http://127.0.0.1:1' }, env: {} }),
    ).toThrow(/endpoint.*https/);
    expect(provider.isConfigured({ clusterName: 'prod', values: {}, env: {} })).toBe(false);
    expect(
      provider.isConfigured({
        clusterName: 'prod',
        values: {},
        env: { LBCTL_AZURE_ENDPOINT: 'https://127.0.0.1:9' },
      }),
    ).toBe(true);
  });
});
