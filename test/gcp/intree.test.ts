import { describe, expect, it } from 'vitest';
import { inTreeExternal, isInTreeDescription, migrationSteps } from '../../providers/gcp/intree.js';
import { ownershipDescription } from '../../providers/gcp/labels.js';

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
