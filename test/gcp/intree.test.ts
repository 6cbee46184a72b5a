import { describe, expect, it } from 'vitest';
import { addressOf } from '../../src/core/resource.js';
import { plan } from '../../src/plan/index.js';
import {
  IN_TREE_GCE,
  inTreeExternal,
  inTreeGraph,
  isInTreeDescription,
  migrationSteps,
} from '../../providers/gcp/intree.js';
import { ownershipDescription } from '../../providers/gcp/labels.js';
import { createModel } from '../../providers/gcp/model.js';
import { readSettings } from '../../providers/gcp/settings.js';
import { gcpIntent } from './intents.js';

// What cloud-provider-gcp names for an external target-pool Service (gce_loadbalancer_naming.go).
const service = { namespace: 'shop', name: 'web', uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' };

describe('gcp: the in-tree provider’s target-pool load balancer', () => {
  it('names a Cluster-traffic Service’s resources as cloud-provider-gcp does', () => {
    expect(inTreeExternal(service, { clusterID: 'c0ffee', local: false })).toEqual({
      forwardingRule: 'a1b4e28ba2fa111d2883f0016d3cca42',
      targetPool: 'a1b4e28ba2fa111d2883f0016d3cca42',
      address: 'a1b4e28ba2fa111d2883f0016d3cca42',
      httpHealthCheck: 'k8s-c0ffee-node',
      trafficFirewall: 'k8s-fw-a1b4e28ba2fa111d2883f0016d3cca42',
      healthCheckFirewall: 'k8s-c0ffee-node-http-hc',
      description: '{"kubernetes.io/service-name":"shop/web"}',
    });
  });

  it('gives a Local-traffic Service its own health check and health-check firewall', () => {
    const n = inTreeExternal(service, { clusterID: 'c0ffee', local: true });
    expect(n.httpHealthCheck).toBe('a1b4e28ba2fa111d2883f0016d3cca42');
    expect(n.healthCheckFirewall).toBe('k8s-a1b4e28ba2fa111d2883f0016d3cca42-http-hc');
  });

  it('tells the in-tree description from lbctl’s and from another Service’s', () => {
    expect(isInTreeDescription('{"kubernetes.io/service-name":"shop/web"}', service)).toBe(true);
    expect(
      isInTreeDescription(
        '{"kubernetes.io/service-name":"shop/web", "kubernetes.io/service-ip":"34.1.2.3"}',
        service,
      ),
    ).toBe(true);
    expect(isInTreeDescription('{"kubernetes.io/service-name":"shop/api"}', service)).toBe(false);
    expect(
      isInTreeDescription(
        ownershipDescription('prod', service, 'google_compute_firewall.traffic'),
        service,
      ),
    ).toBe(false);
    expect(isInTreeDescription('made by hand', service)).toBe(false);
    expect(isInTreeDescription(undefined, service)).toBe(false);
  });

  it('orders the migration: promote the IP first, switch the forwarding rule, delete the target pool last', () => {
    const steps = migrationSteps(
      inTreeExternal(service, { clusterID: 'c0ffee', local: false }),
      '34.1.2.3',
    );
    expect(steps[0]).toMatch(/^promote 34\.1\.2\.3/);
    const sw = steps.findIndex((s) => s.startsWith('delete forwarding rule'));
    const tp = steps.findIndex((s) => s.startsWith('delete target pool'));
    expect(sw).toBeGreaterThan(0);
    expect(tp).toBeGreaterThan(sw);
  });
});

describe('gcp: the migration plan, from the in-tree graph (pure)', () => {
  const lb = 'a1b4e28ba2fa111d2883f0016d3cca42';
  const base = 'https://www.googleapis.com/compute/v1/projects/proj-1';
  const svc = { namespace: 'default', name: 'web', uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' };
  const model = createModel(
    readSettings({ clusterName: 'prod', values: { project: 'proj-1' }, env: {} }),
  );
  const intent = gcpIntent({
    clusterName: 'prod',
    targets: [{ nodeName: 'node-a', providerID: 'gce://proj-1/us-central1-a/node-a' }],
  });
  const desc = '{"kubernetes.io/service-name":"default/web"}';
  const found = {
    rule: {
      name: lb,
      description: desc,
      IPAddress: '34.1.2.3',
      IPProtocol: 'TCP',
      portRange: '80-443',
      target: `${base}/regions/us-central1/targetPools/${lb}`,
      region: `${base}/regions/us-central1`,
      selfLink: `${base}/regions/us-central1/forwardingRules/${lb}`,
    },
    pool: {
      name: lb,
      description: desc,
      healthChecks: [`${base}/global/httpHealthChecks/k8s-c0ffee-node`],
      instances: [`${base}/zones/us-central1-a/instances/node-a`],
    },
    trafficFirewall: {
      name: `k8s-fw-${lb}`,
      description:
        '{"kubernetes.io/service-name":"default/web", "kubernetes.io/service-ip":"34.1.2.3"}',
      allowed: [{ IPProtocol: 'tcp', ports: ['80', '443'] }],
      sourceRanges: ['0.0.0.0/0'],
      destinationRanges: ['34.1.2.3'],
      network: `${base}/global/networks/default`,
    },
    httpHealthCheck: {
      name: 'k8s-c0ffee-node',
      description: '{"kubernetes.io/service-name":"k8s-c0ffee-node"}',
    },
    healthCheckFirewall: {
      name: 'k8s-c0ffee-node-http-hc',
      description: '{"kubernetes.io/cluster-id":"c0ffee"}',
    },
  };

  it('marks the in-tree pieces foreign and the ephemeral IP as the address to promote', () => {
    const desired = model.desired(intent);
    const observed = inTreeGraph(found, { desired, observed: [], region: 'us-central1' });
    expect(observed.every((r) => r.foreign?.madeBy === IN_TREE_GCE)).toBe(true);
    const address = observed.find((r) => addressOf(r) === 'google_compute_address.this');
    expect(address?.attributes).toMatchObject({
      name: lb,
      address: '34.1.2.3',
      ephemeral: true,
      labels: {},
    });
    const rule = observed.find((r) => addressOf(r) === 'google_compute_forwarding_rule.tcp');
    expect(rule?.attributes).toMatchObject({
      ip_address: 'google_compute_address.this',
      target: 'google_compute_target_pool.in_tree',
      port_range: '80-443',
    });
    const fw = observed.find((r) => addressOf(r) === 'google_compute_firewall.traffic');
    expect(fw?.attributes['destination_ranges']).toEqual(['google_compute_address.this']);
  });

  it('plans make-before-break: the switch keeps the IP, the pool goes after the new rule', () => {
    const desired = model.desired(intent);
    const observed = inTreeGraph(found, { desired, observed: [], region: 'us-central1' });
    const p = plan({ service: svc, provider: model, desired, observed });
    const order = p.order.map((a) => `${a.action} ${a.address}`);
    expect(order[0]).toBe('update google_compute_address.this');
    const i = (s: string) => order.indexOf(s);
    expect(i('create google_compute_region_backend_service.tcp')).toBeLessThan(
      i('delete google_compute_forwarding_rule.tcp'),
    );
    expect(i('create google_compute_forwarding_rule.tcp')).toBe(
      i('delete google_compute_forwarding_rule.tcp') + 1,
    );
    expect(i('delete google_compute_target_pool.in_tree')).toBeGreaterThan(
      i('create google_compute_forwarding_rule.tcp'),
    );
    expect(order.slice(-2)).toEqual([
      'delete google_compute_http_health_check.in_tree',
      'delete google_compute_firewall.in_tree_health_check',
    ]);
    const step = p.steps.find((s) => s.address === 'google_compute_forwarding_rule.tcp');
    expect(step?.addressImpact).toMatchObject({ changes: false, keptBy: 'ip_address' });
    expect(step?.adopts).toBe(IN_TREE_GCE);
  });
});
