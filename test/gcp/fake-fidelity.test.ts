import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../providers/gcp/clients.js';
import type { ComputeClients } from '../../providers/gcp/clients.js';
import { FakeCompute } from '../fakes/gcp/server.js';

// Rules of the fake that follow documented Compute behaviour the adapter once got wrong (issue 10).
const project = 'lbctl-test';
const region = 'us-central1';
const zone = 'us-central1-a';
let fake: FakeCompute;
let c: ComputeClients;

beforeAll(async () => {
  fake = new FakeCompute({ token: 'secret' });
  const { url } = await fake.start();
  c = createClients({ endpoint: url, accessToken: 'secret' });
  fake.seedNetwork('other', '10.200.0.0/20');
  fake.seedInstance(zone, 'node-a');
  fake.seedInstance(zone, 'far-a', { network: 'default', subnetwork: 'elsewhere' });
});
afterAll(async () => {
  await c.close();
  await fake.stop();
});

const errorOf = async (p: Promise<unknown>): Promise<{ code: number; message: string }> => {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; message: string };
    const body = JSON.parse(err.message) as { error: { message: string } };
    return { code: err.code ?? 0, message: body.error.message };
  }
  throw new Error('expected the call to fail');
};
const opName = (op: unknown) => (op as { latestResponse: { name: string } }).latestResponse.name;
const network = `projects/${project}/global/networks/default`;
const subnetwork = `projects/${project}/regions/${region}/subnetworks/default`;

describe('fake Compute API: what the real API refuses', () => {
  it('refuses a GCE_VM_IP endpoint group without a subnetwork on the custom-mode default network', async () => {
    expect(
      await errorOf(
        c.endpointGroups.insert({
          project,
          zone,
          networkEndpointGroupResource: {
            name: 'no-subnet',
            networkEndpointType: 'GCE_VM_IP',
            network,
          },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('resource.subnetwork') });
  });

  it('refuses an endpoint whose nic0 is in another subnetwork than the group', async () => {
    const [op] = await c.endpointGroups.insert({
      project,
      zone,
      networkEndpointGroupResource: {
        name: 'with-subnet',
        networkEndpointType: 'GCE_VM_IP',
        network,
        subnetwork,
      },
    });
    await c.zoneOperations.wait({ project, zone, operation: opName(op) });
    expect(
      await errorOf(
        c.endpointGroups.attachNetworkEndpoints({
          project,
          zone,
          networkEndpointGroup: 'with-subnet',
          networkEndpointGroupsAttachEndpointsRequestResource: {
            networkEndpoints: [{ instance: 'far-a' }],
          },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('subnetwork') });
  });

  it('merges a health-check PATCH: TCP → HTTP keeps tcpHealthCheck and is refused; a PUT replaces it', async () => {
    const [ins] = await c.healthChecks.insert({
      project,
      region,
      healthCheckResource: { name: 'hc-type', type: 'TCP', tcpHealthCheck: { port: 30080 } },
    });
    await c.regionOperations.wait({ project, region, operation: opName(ins) });
    const http = { type: 'HTTP', httpHealthCheck: { port: 10256, requestPath: '/healthz' } };
    expect(
      await errorOf(
        c.healthChecks.patch({
          project,
          region,
          healthCheck: 'hc-type',
          healthCheckResource: http,
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('tcpHealthCheck') });
    const [put] = await c.healthChecks.update({
      project,
      region,
      healthCheck: 'hc-type',
      healthCheckResource: { name: 'hc-type', ...http },
    });
    await c.regionOperations.wait({ project, region, operation: opName(put) });
    const [hc] = await c.healthChecks.get({ project, region, healthCheck: 'hc-type' });
    expect(hc.type).toBe('HTTP');
    expect(hc.tcpHealthCheck ?? undefined).toBeUndefined();
    expect(hc.httpHealthCheck?.port).toBe(10256);
  });

  it('keeps a firewall’s destinationRanges and checks them as CIDRs', async () => {
    const body = {
      name: 'fw-dest',
      network,
      sourceRanges: ['0.0.0.0/0'],
      destinationRanges: ['34.120.0.11/32'],
      targetTags: ['node'],
      allowed: [{ IPProtocol: 'tcp', ports: ['80'] }],
    };
    const [op] = await c.firewalls.insert({ project, firewallResource: body });
    await c.globalOperations.wait({ project, operation: opName(op) });
    const [fw] = await c.firewalls.get({ project, firewall: 'fw-dest' });
    expect(fw.destinationRanges).toEqual(['34.120.0.11/32']);
    expect(
      await errorOf(
        c.firewalls.insert({
          project,
          firewallResource: { ...body, name: 'fw-bad', destinationRanges: ['34.120.0.11/33'] },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('destinationRanges') });
  });

  it('refuses an internal backend service whose endpoint group is in another network', async () => {
    const [neg] = await c.endpointGroups.insert({
      project,
      zone,
      networkEndpointGroupResource: {
        name: 'neg-other',
        networkEndpointType: 'GCE_VM_IP',
        network: `projects/${project}/global/networks/other`,
        subnetwork: `projects/${project}/regions/${region}/subnetworks/other-${region}`,
      },
    });
    await c.zoneOperations.wait({ project, zone, operation: opName(neg) });
    const [hc] = await c.healthChecks.insert({
      project,
      region,
      healthCheckResource: { name: 'hc-int', type: 'TCP', tcpHealthCheck: { port: 80 } },
    });
    await c.regionOperations.wait({ project, region, operation: opName(hc) });
    expect(
      await errorOf(
        c.backendServices.insert({
          project,
          region,
          backendServiceResource: {
            name: 'bs-int',
            loadBalancingScheme: 'INTERNAL',
            protocol: 'TCP',
            network,
            healthChecks: [`projects/${project}/regions/${region}/healthChecks/hc-int`],
            backends: [
              { group: `projects/${project}/zones/${zone}/networkEndpointGroups/neg-other` },
            ],
          },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('not in') });
  });

  it('serves instances with their network tags and nic0 subnetwork through aggregatedList, filtered and paged', async () => {
    const pages: string[][] = [];
    for await (const [scope, list] of c.instances.aggregatedListAsync(
      { project, filter: 'name eq "(node-a|far-a)"', maxResults: 1 },
      { autoPaginate: false },
    )) {
      const names = (list.instances ?? []).map(
        (i) => `${scope} ${i.name ?? ''} ${(i.tags?.items ?? []).join(',')}`,
      );
      if (names.length > 0) pages.push(names);
    }
    expect(pages.flat().sort()).toEqual([
      'zones/us-central1-a far-a far',
      'zones/us-central1-a node-a node',
    ]);
  });
});

describe('fake Compute API: external IPs are Google’s to give (issue 12)', () => {
  const ruleWithEphemeralIP = async (name: string): Promise<string> => {
    await c.healthChecks.insert({
      project,
      region,
      healthCheckResource: { name, type: 'TCP', tcpHealthCheck: { port: 10256 } },
    });
    await c.backendServices.insert({
      project,
      region,
      backendServiceResource: {
        name,
        protocol: 'TCP',
        loadBalancingScheme: 'EXTERNAL',
        healthChecks: [`projects/${project}/regions/${region}/healthChecks/${name}`],
      },
    });
    await c.forwardingRules.insert({
      project,
      region,
      forwardingRuleResource: {
        name,
        IPProtocol: 'TCP',
        allPorts: true,
        loadBalancingScheme: 'EXTERNAL',
        backendService: `projects/${project}/regions/${region}/backendServices/${name}`,
      },
    });
    const [rule] = await c.forwardingRules.get({ project, region, forwardingRule: name });
    return String(rule.IPAddress);
  };

  it('refuses to reserve an arbitrary external IP', async () => {
    expect(
      await errorOf(
        c.addresses.insert({
          project,
          region,
          addressResource: { name: 'chosen', addressType: 'EXTERNAL', address: '203.0.113.77' },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('resource.address') });
  });

  it('promotes the ephemeral IP of a forwarding rule to a reserved address, once', async () => {
    const ip = await ruleWithEphemeralIP('ephemeral');
    await c.addresses.insert({
      project,
      region,
      addressResource: { name: 'promoted', addressType: 'EXTERNAL', address: ip },
    });
    const [address] = await c.addresses.get({ project, region, address: 'promoted' });
    expect(address.address).toBe(ip);
    expect(
      await errorOf(
        c.addresses.insert({
          project,
          region,
          addressResource: { name: 'again', addressType: 'EXTERNAL', address: ip },
        }),
      ),
    ).toMatchObject({ code: 400 });
  });

  it('keeps an ephemeral IP across a forwarding-rule switch when it is promoted first (the migration order)', async () => {
    const ip = await ruleWithEphemeralIP('old-rule');
    await c.addresses.insert({
      project,
      region,
      addressResource: { name: 'old-rule-ip', addressType: 'EXTERNAL', address: ip },
    });
    await c.forwardingRules.delete({ project, region, forwardingRule: 'old-rule' });
    await c.forwardingRules.insert({
      project,
      region,
      forwardingRuleResource: {
        name: 'new-rule',
        IPProtocol: 'TCP',
        allPorts: true,
        IPAddress: ip,
        loadBalancingScheme: 'EXTERNAL',
        backendService: `projects/${project}/regions/${region}/backendServices/old-rule`,
      },
    });
    const [rule] = await c.forwardingRules.get({ project, region, forwardingRule: 'new-rule' });
    expect(rule.IPAddress).toBe(ip);
  });

  it('loses an ephemeral IP whose rule is deleted before it is promoted', async () => {
    const ip = await ruleWithEphemeralIP('lost-rule');
    await c.forwardingRules.delete({ project, region, forwardingRule: 'lost-rule' });
    expect(
      await errorOf(
        c.addresses.insert({
          project,
          region,
          addressResource: { name: 'too-late', addressType: 'EXTERNAL', address: ip },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('resource.address') });
  });

  it('refuses a forwarding rule on an external IP that is not a reserved address', async () => {
    expect(
      await errorOf(
        c.forwardingRules.insert({
          project,
          region,
          forwardingRuleResource: {
            name: 'unreserved',
            IPProtocol: 'TCP',
            allPorts: true,
            IPAddress: '203.0.113.78',
            loadBalancingScheme: 'EXTERNAL',
            backendService: `projects/${project}/regions/${region}/backendServices/ephemeral`,
          },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('not reserved') });
  });
});
