import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InstanceGroupsClient } from '@google-cloud/compute';
import { clientOptions, createClients } from '../../providers/gcp/clients.js';
import type { ComputeClients } from '../../providers/gcp/clients.js';
import { FakeCompute } from '../fakes/gcp/server.js';

// The fake, exercised through the official @google-cloud/compute clients over HTTP.
const project = 'lbctl-test';
const region = 'us-central1';
let fake: FakeCompute;
let c: ComputeClients;
// Instance groups are not used by the provider (it uses endpoint groups) but the fake serves them.
let ig: InstanceGroupsClient;

beforeAll(async () => {
  fake = new FakeCompute({ token: 'secret' });
  const { url } = await fake.start();
  c = createClients({ endpoint: url, accessToken: 'secret' });
  ig = new InstanceGroupsClient(clientOptions({ endpoint: url, accessToken: 'secret' }));
  fake.seedInstance('us-central1-a', 'node-a');
  fake.seedInstance('us-central1-a', 'node-b');
});
afterAll(async () => {
  await c.close();
  await ig.close();
  await fake.stop();
});
beforeEach(() => {
  fake.faults = {};
  fake.operationPolls = 0;
});

const errorOf = async (
  p: Promise<unknown>,
): Promise<{ code: number; reason: string; message: string }> => {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; message: string };
    const body = JSON.parse(err.message) as {
      error: { errors: { reason: string }[]; message: string };
    };
    return {
      code: err.code ?? 0,
      reason: body.error.errors[0]?.reason ?? '',
      message: body.error.message,
    };
  }
  throw new Error('expected the call to fail');
};
const opName = (op: unknown) => (op as { latestResponse: { name: string } }).latestResponse.name;
let n = 0;
const unique = (p: string) => `${p}-${++n}`;

async function healthCheck(name = unique('hc')): Promise<string> {
  const [op] = await c.healthChecks.insert({
    project,
    region,
    healthCheckResource: { name, type: 'TCP', tcpHealthCheck: { port: 30080 } },
  });
  await c.regionOperations.wait({ project, region, operation: opName(op) });
  return `projects/${project}/regions/${region}/healthChecks/${name}`;
}

describe('fake Compute API through the SDK', () => {
  it('answers an insert with a RUNNING operation that wait turns DONE, and the resource appears', async () => {
    fake.operationPolls = 1;
    const [op] = await c.addresses.insert({
      project,
      region,
      addressResource: { name: 'addr-1', labels: { team: 'a' } },
    });
    expect((op as unknown as { latestResponse: { status: string } }).latestResponse.status).toBe(
      'RUNNING',
    );
    const [first] = await c.regionOperations.wait({ project, region, operation: opName(op) });
    expect(first.status).toBe('RUNNING');
    const [second] = await c.regionOperations.wait({ project, region, operation: opName(op) });
    expect(second.status).toBe('DONE');
    const [addr] = await c.addresses.get({ project, region, address: 'addr-1' });
    expect(addr).toMatchObject({
      name: 'addr-1',
      addressType: 'EXTERNAL',
      networkTier: 'PREMIUM',
      status: 'RESERVED',
    });
    expect(addr.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('refuses a duplicate with 409 alreadyExists and a missing resource with 404 notFound', async () => {
    expect(
      await errorOf(c.addresses.insert({ project, region, addressResource: { name: 'addr-1' } })),
    ).toMatchObject({
      code: 409,
      reason: 'alreadyExists',
    });
    expect(await errorOf(c.addresses.get({ project, region, address: 'nope' }))).toEqual({
      code: 404,
      reason: 'notFound',
      message: `The resource 'projects/${project}/regions/${region}/addresses/nope' was not found`,
    });
  });

  it('rejects what the real API rejects with 400', async () => {
    expect(
      await errorOf(c.addresses.insert({ project, region, addressResource: { name: 'Bad_Name' } })),
    ).toMatchObject({
      code: 400,
      message: expect.stringContaining("Invalid value for field 'resource.name': 'Bad_Name'"),
    });
    expect(
      await errorOf(
        c.addresses.insert({
          project,
          region,
          addressResource: { name: 'l', labels: { Upper: 'x' } },
        }),
      ),
    ).toMatchObject({ code: 400 });
    expect(
      await errorOf(
        c.healthChecks.insert({
          project,
          region,
          healthCheckResource: {
            name: 'hc-bad',
            type: 'TCP',
            tcpHealthCheck: { port: 1 },
            timeoutSec: 10,
            checkIntervalSec: 5,
          },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('resource.timeoutSec') });
  });

  it('requires the current label fingerprint for setLabels (412 otherwise)', async () => {
    const [addr] = await c.addresses.get({ project, region, address: 'addr-1' });
    expect(
      await errorOf(
        c.addresses.setLabels({
          project,
          region,
          resource: 'addr-1',
          regionSetLabelsRequestResource: { labels: { a: 'b' }, labelFingerprint: 'stale' },
        }),
      ),
    ).toMatchObject({ code: 412, reason: 'conditionNotMet' });
    const [op] = await c.addresses.setLabels({
      project,
      region,
      resource: 'addr-1',
      regionSetLabelsRequestResource: {
        labels: { a: 'b' },
        labelFingerprint: addr.labelFingerprint ?? '',
      },
    });
    await c.regionOperations.wait({ project, region, operation: opName(op) });
    const [after] = await c.addresses.get({ project, region, address: 'addr-1' });
    expect(after.labels).toEqual({ a: 'b' });
    expect(after.labelFingerprint).not.toBe(addr.labelFingerprint);
  });

  it('pages and filters lists', async () => {
    for (const name of ['page-1', 'page-2', 'page-3']) {
      const [op] = await c.addresses.insert({
        project,
        region,
        addressResource: { name, labels: { paging: 'yes' } },
      });
      await c.regionOperations.wait({ project, region, operation: opName(op) });
    }
    const [page1, next, raw] = await c.addresses.list(
      { project, region, filter: 'labels.paging = "yes"', maxResults: 2 },
      { autoPaginate: false },
    );
    expect(page1.map((a) => a.name)).toEqual(['page-1', 'page-2']);
    expect(raw?.nextPageToken).toBeTruthy();
    const [page2] = await c.addresses.list({ ...next, project, region }, { autoPaginate: false });
    expect(page2.map((a) => a.name)).toEqual(['page-3']);
    const [all] = await c.addresses.list({
      project,
      region,
      filter: '(labels.paging = "yes") AND (name != "page-2")',
    });
    expect(all.map((a) => a.name)).toEqual(['page-1', 'page-3']);
    const [regex] = await c.addresses.list({ project, region, filter: 'name eq "page-[12]"' });
    expect(regex.map((a) => a.name)).toEqual(['page-1', 'page-2']);
  });

  it('manages instance group membership and refuses a member twice (memberAlreadyExists)', async () => {
    const [op] = await ig.insert({
      project,
      zone: 'us-central1-a',
      instanceGroupResource: {
        name: 'ig-1',
        network: `projects/${project}/global/networks/default`,
      },
    });
    await c.zoneOperations.wait({ project, zone: 'us-central1-a', operation: opName(op) });
    const ref = (name: string) => ({
      instance: `projects/${project}/zones/us-central1-a/instances/${name}`,
    });
    const [add] = await ig.addInstances({
      project,
      zone: 'us-central1-a',
      instanceGroup: 'ig-1',
      instanceGroupsAddInstancesRequestResource: { instances: [ref('node-a'), ref('node-b')] },
    });
    await c.zoneOperations.wait({ project, zone: 'us-central1-a', operation: opName(add) });
    expect(
      await errorOf(
        ig.addInstances({
          project,
          zone: 'us-central1-a',
          instanceGroup: 'ig-1',
          instanceGroupsAddInstancesRequestResource: { instances: [ref('node-a')] },
        }),
      ),
    ).toMatchObject({ code: 400, reason: 'memberAlreadyExists' });
    expect(
      await errorOf(
        ig.addInstances({
          project,
          zone: 'us-central1-a',
          instanceGroup: 'ig-1',
          instanceGroupsAddInstancesRequestResource: { instances: [ref('ghost')] },
        }),
      ),
    ).toMatchObject({ code: 404 });
    const [rm] = await ig.removeInstances({
      project,
      zone: 'us-central1-a',
      instanceGroup: 'ig-1',
      instanceGroupsRemoveInstancesRequestResource: { instances: [ref('node-b')] },
    });
    await c.zoneOperations.wait({ project, zone: 'us-central1-a', operation: opName(rm) });
    const [members] = await ig.listInstances({
      project,
      zone: 'us-central1-a',
      instanceGroup: 'ig-1',
      instanceGroupsListInstancesRequestResource: { instanceState: 'ALL' },
    });
    expect(members.map((m) => m.instance)).toEqual([
      `https://www.googleapis.com/compute/v1/projects/${project}/zones/us-central1-a/instances/node-a`,
    ]);
  });

  it('PATCHes a backend service only with the current fingerprint, and refuses to delete what is in use', async () => {
    const hc = await healthCheck();
    const [op] = await c.backendServices.insert({
      project,
      region,
      backendServiceResource: {
        name: 'bs-1',
        protocol: 'TCP',
        loadBalancingScheme: 'EXTERNAL',
        healthChecks: [hc],
      },
    });
    await c.regionOperations.wait({ project, region, operation: opName(op) });
    const [bs] = await c.backendServices.get({ project, region, backendService: 'bs-1' });
    expect(
      await errorOf(
        c.backendServices.patch({
          project,
          region,
          backendService: 'bs-1',
          backendServiceResource: { sessionAffinity: 'CLIENT_IP', fingerprint: 'old' },
        }),
      ),
    ).toMatchObject({ code: 412 });
    const [patch] = await c.backendServices.patch({
      project,
      region,
      backendService: 'bs-1',
      backendServiceResource: { sessionAffinity: 'CLIENT_IP', fingerprint: bs.fingerprint ?? '' },
    });
    await c.regionOperations.wait({ project, region, operation: opName(patch) });
    const [after] = await c.backendServices.get({ project, region, backendService: 'bs-1' });
    expect(after.sessionAffinity).toBe('CLIENT_IP');
    expect(
      await errorOf(
        c.healthChecks.delete({ project, region, healthCheck: hc.split('/').pop() ?? '' }),
      ),
    ).toMatchObject({
      code: 400,
      reason: 'resourceInUseByAnotherResource',
    });
  });

  it('checks forwarding rules against their backend service and ports', async () => {
    expect(
      await errorOf(
        c.forwardingRules.insert({
          project,
          region,
          forwardingRuleResource: {
            name: 'fr-1',
            IPProtocol: 'UDP',
            ports: ['53'],
            loadBalancingScheme: 'EXTERNAL',
            backendService: `projects/${project}/regions/${region}/backendServices/bs-1`,
          },
        }),
      ),
    ).toMatchObject({
      code: 400,
      message: expect.stringContaining('backend service protocol TCP'),
    });
    expect(
      await errorOf(
        c.forwardingRules.insert({
          project,
          region,
          forwardingRuleResource: {
            name: 'fr-1',
            IPProtocol: 'TCP',
            ports: ['1', '2', '3', '4', '5', '6'],
            backendService: `projects/${project}/regions/${region}/backendServices/bs-1`,
          },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('At most 5 ports') });
  });

  it('throttles with 429 and 403 rateLimitExceeded, fails with 503, and fails operations with error.errors', async () => {
    fake.faults = { throttleRate: 1 };
    const a = await errorOf(c.addresses.get({ project, region, address: 'addr-1' }));
    const b = await errorOf(c.addresses.get({ project, region, address: 'addr-1' }));
    expect([a.code, b.code].sort()).toEqual([403, 429]);
    expect(a.reason).toBe('rateLimitExceeded');
    fake.faults = { errorRate: 1 };
    expect(await errorOf(c.addresses.get({ project, region, address: 'addr-1' }))).toMatchObject({
      code: 503,
    });
    fake.faults = { operationErrorRate: 1 };
    const [op] = await c.addresses.insert({ project, region, addressResource: { name: 'doomed' } });
    const [done] = await c.regionOperations.wait({ project, region, operation: opName(op) });
    expect(done.status).toBe('DONE');
    expect(done.error?.errors?.[0]?.code).toBe('INTERNAL_ERROR');
    fake.faults = {};
    expect(await errorOf(c.addresses.get({ project, region, address: 'doomed' }))).toMatchObject({
      code: 404,
    });
  });

  it('refuses a request with the wrong token (401)', async () => {
    const wrong = createClients({ endpoint: fake.url, accessToken: 'wrong' });
    expect(
      await errorOf(wrong.addresses.get({ project, region, address: 'addr-1' })),
    ).toMatchObject({ code: 401 });
    await wrong.close();
  });

  it('records every request with its API method', () => {
    expect(fake.count({ operation: 'addresses.insert' })).toBeGreaterThan(3);
    expect(fake.count({ operation: 'regionOperations.wait' })).toBeGreaterThan(3);
    expect(fake.requests.every((r) => r.operation !== 'unknown')).toBe(true);
  });
});

describe('fake Compute API: load-balanced instance groups', () => {
  it('refuses a VM in two load-balanced instance groups, as Compute Engine does', async () => {
    const zone = 'us-central1-a';
    const ref = { instance: `projects/${project}/zones/${zone}/instances/node-a` };
    for (const name of ['ig-lb-1', 'ig-lb-2']) {
      const [op] = await ig.insert({
        project,
        zone,
        instanceGroupResource: { name },
      });
      await c.zoneOperations.wait({ project, zone, operation: opName(op) });
      const [add] = await ig.addInstances({
        project,
        zone,
        instanceGroup: name,
        instanceGroupsAddInstancesRequestResource: { instances: [ref] },
      });
      await c.zoneOperations.wait({ project, zone, operation: opName(add) });
    }
    const hc = await healthCheck();
    const [op] = await c.backendServices.insert({
      project,
      region,
      backendServiceResource: {
        name: 'bs-lb-1',
        healthChecks: [hc],
        backends: [{ group: `projects/${project}/zones/${zone}/instanceGroups/ig-lb-1` }],
      },
    });
    await c.regionOperations.wait({ project, region, operation: opName(op) });
    expect(
      await errorOf(
        c.backendServices.insert({
          project,
          region,
          backendServiceResource: {
            name: 'bs-lb-2',
            healthChecks: [hc],
            backends: [{ group: `projects/${project}/zones/${zone}/instanceGroups/ig-lb-2` }],
          },
        }),
      ),
    ).toMatchObject({
      code: 400,
      message: expect.stringContaining('at most one load-balanced instance group'),
    });
  });
});

describe('fake Compute API: GCE_VM_IP network endpoint groups', () => {
  it('attaches, lists and detaches VM endpoints, and checks the zone and the instance', async () => {
    const zone = 'us-central1-a';
    const [op] = await c.endpointGroups.insert({
      project,
      zone,
      networkEndpointGroupResource: {
        name: 'neg-1',
        networkEndpointType: 'GCE_VM_IP',
        network: `projects/${project}/global/networks/default`,
        subnetwork: `projects/${project}/regions/${region}/subnetworks/default`,
      },
    });
    await c.zoneOperations.wait({ project, zone, operation: opName(op) });
    const neg = { project, zone, networkEndpointGroup: 'neg-1' };
    const [attach] = await c.endpointGroups.attachNetworkEndpoints({
      ...neg,
      networkEndpointGroupsAttachEndpointsRequestResource: {
        networkEndpoints: [{ instance: 'node-a' }, { instance: 'node-b' }],
      },
    });
    await c.zoneOperations.wait({ project, zone, operation: opName(attach) });
    expect(
      await errorOf(
        c.endpointGroups.attachNetworkEndpoints({
          ...neg,
          networkEndpointGroupsAttachEndpointsRequestResource: {
            networkEndpoints: [{ instance: 'ghost' }],
          },
        }),
      ),
    ).toMatchObject({ code: 404 });
    expect(
      await errorOf(
        c.endpointGroups.attachNetworkEndpoints({
          ...neg,
          networkEndpointGroupsAttachEndpointsRequestResource: {
            networkEndpoints: [{ instance: 'node-a', port: 80 }],
          },
        }),
      ),
    ).toMatchObject({ code: 400 });
    const [detach] = await c.endpointGroups.detachNetworkEndpoints({
      ...neg,
      networkEndpointGroupsDetachEndpointsRequestResource: {
        networkEndpoints: [{ instance: 'node-b' }],
      },
    });
    await c.zoneOperations.wait({ project, zone, operation: opName(detach) });
    const [endpoints] = await c.endpointGroups.listNetworkEndpoints({
      ...neg,
      networkEndpointGroupsListEndpointsRequestResource: { healthStatus: 'SKIP' },
    });
    expect(endpoints.map((e) => e.networkEndpoint?.instance)).toEqual(['node-a']);
    expect(
      await errorOf(
        c.endpointGroups.insert({
          project,
          zone,
          networkEndpointGroupResource: { name: 'neg-2', networkEndpointType: 'GCE_VM_IP' },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('network is required') });
  });
});
