import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { addressOf } from '../../src/core/resource.js';
import type { Resource } from '../../src/core/resource.js';
import { desiredResources, parseProviderID } from '../../providers/gcp/desired.js';
import { ingressOf } from '../../providers/gcp/ingress.js';
import {
  addressFromLabel,
  isDescriptionOwnedBy,
  labelValue,
  ownershipLabels,
  parseDescription,
} from '../../providers/gcp/labels.js';
import { loadBalancerName } from '../../providers/gcp/names.js';
import { provider } from '../../providers/gcp/index.js';
import { readSettings } from '../../providers/gcp/settings.js';
import { gcpIntent } from './intents.js';

const settings = { region: 'us-central1', network: 'default', subnetwork: 'nodes', nodeTags: [] };
const byAddress = (rs: Resource[]) => new Map(rs.map((r) => [addressOf(r), r]));
const get = (rs: Resource[], address: string): Resource => {
  const r = byAddress(rs).get(address);
  if (r === undefined) throw new Error(`no ${address} in ${[...byAddress(rs).keys()].join(', ')}`);
  return r;
};

describe('gcp desired resources', () => {
  const lb = 'a1b4e28ba2fa111d2883f0016d3cca42';

  it('names the load balancer after the Service UID like the in-tree provider', () => {
    expect(loadBalancerName({ uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' })).toBe(lb);
  });

  it('builds the backend-service passthrough load balancer of a 2-port TCP Service', () => {
    const rs = desiredResources(gcpIntent(), settings);
    expect([...byAddress(rs).keys()].sort()).toEqual([
      'google_compute_address.this',
      'google_compute_firewall.health_check',
      'google_compute_firewall.traffic',
      'google_compute_forwarding_rule.tcp',
      'google_compute_network_endpoint_group.us-central1-a',
      'google_compute_network_endpoint_group.us-central1-b',
      'google_compute_region_backend_service.tcp',
      'google_compute_region_health_check.this',
    ]);
    const fr = get(rs, 'google_compute_forwarding_rule.tcp');
    expect(fr.attributes).toMatchObject({
      name: lb,
      load_balancing_scheme: 'EXTERNAL',
      ip_protocol: 'TCP',
      all_ports: true,
      ip_address: 'google_compute_address.this',
      backend_service: 'google_compute_region_backend_service.tcp',
      network_tier: 'PREMIUM',
    });
    expect(fr.dependsOn.sort()).toEqual([
      'google_compute_address.this',
      'google_compute_region_backend_service.tcp',
    ]);
    const bs = get(rs, 'google_compute_region_backend_service.tcp');
    expect(bs.attributes).toMatchObject({
      protocol: 'TCP',
      load_balancing_scheme: 'EXTERNAL',
      session_affinity: 'NONE',
      health_check: 'google_compute_region_health_check.this',
      backends: [
        'google_compute_network_endpoint_group.us-central1-a',
        'google_compute_network_endpoint_group.us-central1-b',
      ],
    });
    expect(get(rs, 'google_compute_address.this').attributes).toMatchObject({
      name: lb,
      address_type: 'EXTERNAL',
      network_tier: 'PREMIUM',
    });
  });

  it('puts the nodes into one GCE_VM_IP network endpoint group per zone, owned by the Service', () => {
    const rs = desiredResources(gcpIntent(), settings);
    const neg = get(rs, 'google_compute_network_endpoint_group.us-central1-a');
    expect(neg.attributes).toMatchObject({
      name: lb,
      zone: 'us-central1-a',
      network_endpoint_type: 'GCE_VM_IP',
      endpoints: ['node-a', 'node-c'],
    });
    expect(parseDescription(neg.attributes['description'] as string)).toEqual({
      clusters: ['prod'],
      serviceName: 'default/web',
      serviceUid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
      address: 'google_compute_network_endpoint_group.us-central1-a',
    });
  });

  it('opens the Service ports to the source ranges and the health-check port to Google probes', () => {
    const rs = desiredResources(gcpIntent({ sourceRanges: ['10.0.0.0/8'] }), settings);
    expect(get(rs, 'google_compute_firewall.traffic').attributes).toMatchObject({
      name: `k8s-fw-${lb}`,
      source_ranges: ['10.0.0.0/8'],
      allowed: [{ protocol: 'tcp', ports: ['80', '443'] }],
    });
    expect(get(rs, 'google_compute_firewall.health_check').attributes).toMatchObject({
      name: `${lb}-hc`,
      source_ranges: ['130.211.0.0/22', '209.85.152.0/22', '209.85.204.0/22', '35.191.0.0/16'],
      allowed: [{ protocol: 'tcp', ports: ['30080'] }],
    });
  });

  it('opens everything when the Service has no source ranges, and targets node tags when set', () => {
    const rs = desiredResources(gcpIntent(), { ...settings, nodeTags: ['gke-node'] });
    expect(get(rs, 'google_compute_firewall.traffic').attributes).toMatchObject({
      source_ranges: ['0.0.0.0/0'],
      target_tags: ['gke-node'],
    });
  });

  it('makes one backend service and forwarding rule per protocol for TCP+UDP', () => {
    const rs = desiredResources(
      gcpIntent({
        listeners: [
          { name: 'dns-tcp', protocol: 'TCP', port: 53, nodePort: 30053 },
          { name: 'dns-udp', protocol: 'UDP', port: 53, nodePort: 30054 },
        ],
      }),
      settings,
    );
    expect(get(rs, 'google_compute_forwarding_rule.udp').attributes).toMatchObject({
      name: `${lb}-udp`,
      ip_protocol: 'UDP',
      all_ports: true,
      ip_address: 'google_compute_address.this',
    });
    expect(get(rs, 'google_compute_region_backend_service.udp').attributes['protocol']).toBe('UDP');
    expect(get(rs, 'google_compute_firewall.traffic').attributes['allowed']).toEqual([
      { protocol: 'tcp', ports: ['53'] },
      { protocol: 'udp', ports: ['53'] },
    ]);
  });

  it('probes /healthz over HTTP on the healthCheckNodePort for externalTrafficPolicy Local', () => {
    const rs = desiredResources(
      gcpIntent({
        externalTrafficPolicy: 'Local',
        healthCheck: {
          mode: 'service',
          protocol: 'HTTP',
          port: 32000,
          path: '/healthz',
          intervalSeconds: 8,
          timeoutSeconds: 1,
          healthyThreshold: 1,
          unhealthyThreshold: 3,
        },
      }),
      settings,
    );
    expect(get(rs, 'google_compute_region_health_check.this').attributes).toMatchObject({
      type: 'HTTP',
      port: 32000,
      request_path: '/healthz',
    });
    expect(get(rs, 'google_compute_firewall.health_check').attributes['allowed']).toEqual([
      { protocol: 'tcp', ports: ['32000'] },
    ]);
  });

  it('maps ClientIP affinity to CLIENT_IP', () => {
    const rs = desiredResources(
      gcpIntent({ sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 } }),
      settings,
    );
    expect(
      get(rs, 'google_compute_region_backend_service.tcp').attributes['session_affinity'],
    ).toBe('CLIENT_IP');
  });

  it('uses a requested external IP as the user’s own reserved address, reserving none', () => {
    const rs = desiredResources(gcpIntent({ requestedIPs: ['203.0.113.10'] }), settings);
    expect(rs.find((r) => r.type === 'google_compute_address')).toBeUndefined();
    const rule = get(rs, 'google_compute_forwarding_rule.tcp');
    expect(rule.attributes['ip_address']).toBe('203.0.113.10');
    expect(rule.dependsOn).toEqual(['google_compute_region_backend_service.tcp']);
    expect(get(rs, 'google_compute_firewall.traffic').attributes['destination_ranges']).toEqual([
      '203.0.113.10/32',
    ]);
  });

  it('reserves a requested internal IP as its own address', () => {
    const rs = desiredResources(
      gcpIntent({ scheme: 'internal', requestedIPs: ['10.0.0.7'] }),
      settings,
    );
    expect(get(rs, 'google_compute_address.this').attributes['address']).toBe('10.0.0.7');
    expect(get(rs, 'google_compute_forwarding_rule.tcp').attributes['ip_address']).toBe(
      'google_compute_address.this',
    );
  });

  it('builds an internal load balancer in the subnetwork with a shareable VIP', () => {
    const rs = desiredResources(gcpIntent({ scheme: 'internal' }), settings);
    expect(get(rs, 'google_compute_address.this').attributes).toMatchObject({
      address_type: 'INTERNAL',
      subnetwork: 'nodes',
      purpose: 'SHARED_LOADBALANCER_VIP',
    });
    expect(get(rs, 'google_compute_forwarding_rule.tcp').attributes).toMatchObject({
      load_balancing_scheme: 'INTERNAL',
      network: 'default',
      subnetwork: 'nodes',
    });
    expect(get(rs, 'google_compute_region_backend_service.tcp').attributes['network']).toBe(
      'default',
    );
  });

  it('puts an internal load balancer in the default subnetwork unless told otherwise', () => {
    const rs = desiredResources(gcpIntent({ scheme: 'internal' }), {
      ...settings,
      subnetwork: 'default',
    });
    expect(get(rs, 'google_compute_address.this').attributes['subnetwork']).toBe('default');
  });

  it.each(['external', 'internal'] as const)(
    'forwards all ports and lets the firewall allow only the Service ports, however many (%s)',
    (scheme) => {
      const listeners = [80, 81, 82, 83, 84, 86].map((port, i) => ({
        name: `p${port}`,
        protocol: 'TCP' as const,
        port,
        nodePort: 30100 + i,
      }));
      const rs = desiredResources(gcpIntent({ scheme, listeners }), settings);
      const fr = get(rs, 'google_compute_forwarding_rule.tcp');
      expect(fr.attributes['all_ports']).toBe(true);
      expect(fr.attributes['ports']).toBeUndefined();
      expect(get(rs, 'google_compute_firewall.traffic').attributes['allowed']).toEqual([
        { protocol: 'tcp', ports: ['80', '81', '82', '83', '84', '86'] },
      ]);
    },
  );

  it('rejects SCTP naming the port', () => {
    const intent = gcpIntent({
      listeners: [{ name: 's', protocol: 'SCTP', port: 9, nodePort: 30009 }],
    });
    expect(() => desiredResources(intent, settings)).toThrow(InvalidInputError);
    expect(() => desiredResources(intent, settings)).toThrow(
      'Service default/web: spec.ports[0].protocol: Unsupported value: "SCTP"',
    );
  });

  it('rejects a node whose providerID is not a GCE one, naming the node and the value', () => {
    const intent = gcpIntent({
      targets: [{ nodeName: 'n1', providerID: 'aws:///us-east-1a/i-0abc' }],
    });
    expect(() => desiredResources(intent, settings)).toThrow(
      'Node n1: spec.providerID: Invalid value: "aws:///us-east-1a/i-0abc": must be gce://PROJECT/ZONE/INSTANCE',
    );
  });

  it('rejects a node in a zone outside the region', () => {
    const intent = gcpIntent({
      targets: [{ nodeName: 'n1', providerID: 'gce://p/europe-west1-b/n1' }],
    });
    expect(() => desiredResources(intent, settings)).toThrow(
      /zone europe-west1-b is not in region us-central1/,
    );
  });

  it('labels addresses and forwarding rules, and describes the rest, with the ownership', () => {
    const rs = desiredResources(gcpIntent({ extraTags: { team: 'payments' } }), settings);
    expect(get(rs, 'google_compute_forwarding_rule.tcp').attributes['labels']).toEqual({
      team: 'payments',
      'lbctl-cluster': 'prod',
      'lbctl-service-ns': 'default',
      'lbctl-service-name': 'web',
      'lbctl-service-uid': '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
      'lbctl-resource': 'google_compute_forwarding_rule-tcp',
    });
    for (const address of [
      'google_compute_region_health_check.this',
      'google_compute_region_backend_service.tcp',
      'google_compute_firewall.traffic',
    ]) {
      const d = parseDescription(get(rs, address).attributes['description'] as string);
      expect(d).toEqual({
        clusters: ['prod'],
        serviceName: 'default/web',
        serviceUid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
        address,
      });
    }
  });

  it('is deterministic', () => {
    expect(desiredResources(gcpIntent(), settings)).toEqual(
      desiredResources(gcpIntent(), settings),
    );
  });
});

describe('gcp labels', () => {
  it.each([
    ['prod', 'prod'],
    ['a_b-c', 'a_b-c'],
  ])('keeps a valid value %s', (v, out) => expect(labelValue(v)).toBe(out));

  it('hashes values that are not valid labels, so that different inputs stay different', () => {
    const a = labelValue('Prod');
    const b = labelValue('prod.');
    expect(a).toMatch(/^prod-[0-9a-f]{8}$/);
    expect(a).not.toBe(labelValue('prod'));
    expect(b).not.toBe(a);
    expect(labelValue('x'.repeat(100))).toHaveLength(63);
  });

  it('user labels never overwrite ownership labels', () => {
    const labels = ownershipLabels('prod', { namespace: 'n', name: 's', uid: 'u' }, 't.x', {
      'lbctl-cluster': 'evil',
    });
    expect(labels['lbctl-cluster']).toBe('prod');
  });

  it('maps the resource label back to the address', () => {
    expect(addressFromLabel('google_compute_forwarding_rule-tcp')).toBe(
      'google_compute_forwarding_rule.tcp',
    );
    expect(addressFromLabel('google_compute_network_endpoint_group-us-central1-a')).toBe(
      'google_compute_network_endpoint_group.us-central1-a',
    );
  });

  it('reads ownership from a description, and nothing from free text', () => {
    expect(isDescriptionOwnedBy('{"kubernetes.io/cluster/prod":"owned"}', 'prod')).toBe(true);
    expect(isDescriptionOwnedBy('{"kubernetes.io/cluster/prod":"owned"}', 'staging')).toBe(false);
    expect(isDescriptionOwnedBy('{"kubernetes.io/service-name":"default/web"}', 'prod')).toBe(
      false,
    );
    expect(isDescriptionOwnedBy('made by hand', 'prod')).toBe(false);
    expect(parseDescription('{not json')).toBeUndefined();
  });
});

describe('gcp ingress, provider IDs and settings', () => {
  it('reports the address IP as a VIP', () => {
    const rs = desiredResources(gcpIntent(), settings);
    expect(ingressOf(rs)).toEqual([]);
    const addr = get(rs, 'google_compute_address.this');
    expect(
      ingressOf([{ ...addr, attributes: { ...addr.attributes, address: '34.1.2.3' } }]),
    ).toEqual([{ ip: '34.1.2.3', ipMode: 'VIP' }]);
  });

  it('parses gce provider IDs', () => {
    expect(parseProviderID('gce://my-proj/us-central1-f/gke-n-1')).toEqual({
      project: 'my-proj',
      zone: 'us-central1-f',
      name: 'gke-n-1',
    });
    expect(parseProviderID('gce:///us-central1-f/x')).toBeUndefined();
  });

  it('reads settings from values and LBCTL_GCP_* with defaults', () => {
    const s = readSettings({
      clusterName: 'c',
      values: { region: 'europe-west1', 'node-tags': 'b,a' },
      env: { LBCTL_GCP_PROJECT: 'my-project', LBCTL_GCP_SUBNETWORK: 'sub' },
    });
    expect(s).toMatchObject({
      project: 'my-project',
      region: 'europe-west1',
      network: 'default',
      subnetwork: 'sub',
      nodeTags: ['a', 'b'],
      readPerMinute: 1500,
      writePerMinute: 1500,
    });
  });

  it.each([
    [{ zone: 'x' }, /--set zone: Unsupported value: "zone": supported keys/],
    [
      { region: 'US_EAST' },
      /settings.region: Invalid value: "US_EAST": must be a Compute Engine name/,
    ],
    [{ endpoint: 'localhost:8080' }, /settings.endpoint: Invalid value/],
    [{ 'read-per-minute': '-1' }, /settings.read-per-minute: Invalid value: "-1"/],
  ])('rejects bad settings %j', (values, message) => {
    expect(() => readSettings({ clusterName: 'c', values, env: {} })).toThrow(message);
  });

  it('the module plans without credentials', () => {
    const model = provider.model({ clusterName: 'prod', values: {}, env: {} });
    expect(model.name).toBe('gcp');
    expect(model.desired(gcpIntent()).length).toBe(8);
    expect(provider.isConfigured({ clusterName: 'prod', values: {}, env: {} })).toBe(false);
    expect(
      provider.isConfigured({
        clusterName: 'prod',
        values: { endpoint: 'http://127.0.0.1:1' },
        env: {},
      }),
    ).toBe(true);
  });
});
