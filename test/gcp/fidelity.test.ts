import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChanges } from '../../src/plan/index.js';
import { gcpIntent } from './intents.js';
import { createCallLog } from '../../src/core/calls.js';
import { createGcpProvider } from '../../providers/gcp/provider.js';
import { readSettings } from '../../providers/gcp/settings.js';
import { CLUSTER, converge, reconcile, startGcp } from './support.js';

// The request bodies the real Compute API needs (issue 10), checked on what the fake stores.
let env: Awaited<ReturnType<typeof startGcp>>;
beforeAll(async () => {
  env = await startGcp();
  env.fake.seedInstance('us-central1-a', 'odd-vm', { tags: ['http-server'] });
});
afterAll(async () => env.stop());

const node = (name: string, zone = 'us-central1-a') => ({
  nodeName: name,
  providerID: `gce://lbctl-test/${zone}/${name}`,
});

describe('gcp adapter: what the real Compute API accepts, and the tightest exposure', () => {
  const intent = gcpIntent({ targets: [node('node-a'), node('node-b', 'us-central1-b')] });

  it('endpoint groups carry the nodes’ subnetwork; firewalls target the nodes’ tags and the load balancer’s IP', async () => {
    env.calls.reset();
    await converge(env.provider, intent.service, intent);
    // One read of the instances per endpoint group (zone); the firewalls reuse them.
    expect(env.calls.count({ operation: 'instances.aggregatedList' })).toBe(2);
    for (const g of env.fake.resources('networkEndpointGroups')) {
      expect(g['subnetwork']).toBe(
        'https://www.googleapis.com/compute/v1/projects/lbctl-test/regions/us-central1/subnetworks/default',
      );
    }
    const ip = String(env.fake.resources('addresses')[0]?.['address']);
    const fws = env.fake.resources('firewalls');
    const traffic = fws.find((f) => String(f['name']).startsWith('k8s-fw-'));
    const probes = fws.find((f) => String(f['name']).endsWith('-hc'));
    expect(traffic).toMatchObject({ targetTags: ['node'], destinationRanges: [`${ip}/32`] });
    expect(probes).toMatchObject({
      targetTags: ['node'],
      allowed: [{ IPProtocol: 'tcp', ports: [String(intent.healthCheck.port)] }],
    });
    expect(probes?.['destinationRanges']).toBeUndefined();
  });

  it('changes a health check from TCP to HTTP (kube-proxy /healthz on 10256) with one PUT, leaving no tcpHealthCheck', async () => {
    const kubeProxy = {
      ...intent,
      healthCheck: {
        ...intent.healthCheck,
        mode: 'kube-proxy' as const,
        protocol: 'HTTP' as const,
        port: 10256,
        path: '/healthz',
      },
    };
    env.calls.reset();
    await converge(env.provider, intent.service, kubeProxy);
    expect(env.calls.count({ operation: 'regionHealthChecks.update' })).toBe(1);
    expect(env.calls.count({ operation: 'regionHealthChecks.patch' })).toBe(0);
    const [hc] = env.fake.resources('healthChecks');
    expect(hc?.['tcpHealthCheck']).toBeUndefined();
    expect(hc?.['httpHealthCheck']).toMatchObject({ port: 10256, requestPath: '/healthz' });
    const probes = env.fake.resources('firewalls').find((f) => String(f['name']).endsWith('-hc'));
    expect(probes?.['allowed']).toEqual([{ IPProtocol: 'tcp', ports: ['10256'] }]);
    expect(hasChanges((await reconcile(env.provider, intent.service, kubeProxy)).plan)).toBe(false);
    await converge(env.provider, intent.service, null);
  });

  it('refuses, naming node-tags, a node none of whose tags is a prefix of its name', async () => {
    const odd = gcpIntent({
      service: { namespace: 'default', name: 'odd', uid: '88888888-8888-4888-8888-888888888888' },
      targets: [node('odd-vm')],
    });
    await expect(reconcile(env.provider, odd.service, odd)).rejects.toThrow(
      /instance us-central1-a\/odd-vm: settings.node-tags: .*\[http-server\] is a prefix/,
    );
    expect(env.fake.resources('firewalls')).toEqual([]);
    await converge(env.provider, odd.service, null);
  });

  it('uses the subnetwork and node-tags settings when they are given', async () => {
    const set = await startGcp({ settings: { subnetwork: 'default', 'node-tags': 'pool-x' } });
    try {
      await converge(set.provider, intent.service, intent);
      expect(set.calls.count({ operation: 'instances.aggregatedList' })).toBe(0);
      expect(set.fake.resources('firewalls').map((f) => f['targetTags'])).toEqual([
        ['pool-x'],
        ['pool-x'],
      ]);
    } finally {
      await set.stop();
    }
  });

  it('reuses instances read in the last 30 s, and reads them again after', async () => {
    let t = 1_000_000;
    const calls = createCallLog();
    const clocked = createGcpProvider(
      readSettings({
        clusterName: CLUSTER,
        values: {
          project: env.fake.project,
          endpoint: env.fake.url,
          'access-token': 'test-token',
          'read-per-minute': '1000000000',
          'write-per-minute': '1000000000',
        },
        env: {},
      }),
      CLUSTER,
      { calls, sleep: async () => {}, now: () => t },
    );
    const svc = gcpIntent({
      service: { namespace: 'default', name: 'clock', uid: '99999999-9999-4999-8999-999999999999' },
      targets: [node('node-a')],
    });
    const reads = () => calls.count({ operation: 'instances.aggregatedList' });
    await converge(clocked, svc.service, svc);
    expect(reads()).toBe(1);
    await converge(clocked, svc.service, { ...svc, sourceRanges: ['10.0.0.0/8'] });
    expect(reads()).toBe(1);
    t += 30_001;
    await converge(clocked, svc.service, { ...svc, sourceRanges: ['10.1.0.0/16'] });
    expect(reads()).toBe(2);
    await converge(clocked, svc.service, null);
    await clocked.close();
  });
});
