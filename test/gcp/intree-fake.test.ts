import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetPoolsClient } from '@google-cloud/compute';
import { clientOptions, createClients } from '../../providers/gcp/clients.js';
import type { ComputeClients } from '../../providers/gcp/clients.js';
import { FakeCompute } from '../fakes/gcp/server.js';

// The fake's target pools and legacy HTTP health checks (issue 12), through the SDK clients
// (TargetPoolsClient; the provider's google-auth-library client for httpHealthChecks).
const project = 'lbctl-test';
const region = 'us-central1';
const base = `https://www.googleapis.com/compute/v1/projects/${project}`;
let fake: FakeCompute;
let c: ComputeClients;
let pools: TargetPoolsClient;

beforeAll(async () => {
  fake = new FakeCompute({ token: 'secret' });
  const { url } = await fake.start();
  c = createClients({ endpoint: url, accessToken: 'secret' });
  pools = new TargetPoolsClient(clientOptions({ endpoint: url, accessToken: 'secret' }));
  fake.seedInstance('us-central1-a', 'node-a');
  fake.seedInstance('us-central1-b', 'node-b');
});
afterAll(async () => {
  await c.close();
  await pools.close();
  await fake.stop();
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
const regionWait = (op: unknown) =>
  c.regionOperations.wait({ project, region, operation: opName(op) });
const globalWait = async (op: unknown) => {
  const [done] = await c.globalOperations.wait({ project, operation: opName(op) });
  return done;
};

async function httpHealthCheck(name: string): Promise<string> {
  const op = await c.httpHealthChecks.insert(project, {
    name,
    port: 10256,
    requestPath: '/healthz',
  });
  await globalWait({ latestResponse: op });
  return `${base}/global/httpHealthChecks/${name}`;
}

async function targetPool(name: string, hc: string): Promise<string> {
  const [op] = await pools.insert({
    project,
    region,
    targetPoolResource: {
      name,
      instances: ['/zones/us-central1-a/instances/node-a'],
      healthChecks: [hc],
    },
  });
  await regionWait(op);
  return `${base}/regions/${region}/targetPools/${name}`;
}

describe('fake Compute API: legacy HTTP health checks (global httpHealthChecks)', () => {
  it('inserts with the reference defaults, gets, and 404s once deleted', async () => {
    await httpHealthCheck('hc-defaults');
    const hc = await c.httpHealthChecks.get(project, 'hc-defaults');
    expect(hc).toMatchObject({
      kind: 'compute#httpHealthCheck',
      port: 10256,
      requestPath: '/healthz',
      checkIntervalSec: 5,
      timeoutSec: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      selfLink: `${base}/global/httpHealthChecks/hc-defaults`,
    });
    const op = await c.httpHealthChecks.delete(project, 'hc-defaults');
    expect((await globalWait({ latestResponse: op })).status).toBe('DONE');
    expect(await errorOf(c.httpHealthChecks.get(project, 'hc-defaults'))).toMatchObject({
      code: 404,
    });
  });

  it('refuses a timeout longer than the interval and a duplicate name', async () => {
    expect(
      await errorOf(
        c.httpHealthChecks.insert(project, { name: 'hc-slow', checkIntervalSec: 2, timeoutSec: 5 }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('timeoutSec') });
    await httpHealthCheck('hc-twice');
    expect(await errorOf(c.httpHealthChecks.insert(project, { name: 'hc-twice' }))).toMatchObject({
      code: 409,
    });
  });
});

describe('fake Compute API: target pools', () => {
  it('holds instances by URL and one legacy health check; add and remove by delta', async () => {
    const hc = await httpHealthCheck('hc-pool');
    await targetPool('pool-1', hc);
    const [added] = await pools.addInstance({
      project,
      region,
      targetPool: 'pool-1',
      targetPoolsAddInstanceRequestResource: {
        instances: [{ instance: `${base}/zones/us-central1-b/instances/node-b` }],
      },
    });
    await regionWait(added);
    let [pool] = await pools.get({ project, region, targetPool: 'pool-1' });
    expect(pool.instances).toEqual([
      `${base}/zones/us-central1-a/instances/node-a`,
      `${base}/zones/us-central1-b/instances/node-b`,
    ]);
    expect(pool.healthChecks).toEqual([hc]);
    expect(pool.sessionAffinity).toBe('NONE');
    expect(
      await errorOf(
        pools.addInstance({
          project,
          region,
          targetPool: 'pool-1',
          targetPoolsAddInstanceRequestResource: {
            instances: [{ instance: `${base}/zones/us-central1-b/instances/node-b` }],
          },
        }),
      ),
    ).toMatchObject({ code: 400, reason: 'memberAlreadyExists' });
    const [removed] = await pools.removeInstance({
      project,
      region,
      targetPool: 'pool-1',
      targetPoolsRemoveInstanceRequestResource: {
        instances: [{ instance: `${base}/zones/us-central1-a/instances/node-a` }],
      },
    });
    await regionWait(removed);
    [pool] = await pools.get({ project, region, targetPool: 'pool-1' });
    expect(pool.instances).toEqual([`${base}/zones/us-central1-b/instances/node-b`]);
    const other = await httpHealthCheck('hc-second');
    expect(
      await errorOf(
        pools.addHealthCheck({
          project,
          region,
          targetPool: 'pool-1',
          targetPoolsAddHealthCheckRequestResource: { healthChecks: [{ healthCheck: other }] },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('at most one health check') });
    const [listed] = await pools.list({ project, region }, { autoPaginate: false });
    expect(listed.map((p) => p.name)).toContain('pool-1');
  });

  it('refuses a regional (non-legacy) health check, an instance of another region and an unknown instance', async () => {
    await c.healthChecks.insert({
      project,
      region,
      healthCheckResource: { name: 'regional', type: 'TCP', tcpHealthCheck: { port: 80 } },
    });
    expect(
      await errorOf(
        pools.insert({
          project,
          region,
          targetPoolResource: {
            name: 'pool-bad',
            healthChecks: [`${base}/regions/${region}/healthChecks/regional`],
          },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('legacy HTTP health checks') });
    expect(
      await errorOf(
        pools.insert({
          project,
          region,
          targetPoolResource: {
            name: 'pool-bad',
            instances: [`${base}/zones/europe-west1-b/instances/x`],
          },
        }),
      ),
    ).toMatchObject({ code: 400, message: expect.stringContaining('region us-central1') });
    expect(
      await errorOf(
        pools.insert({
          project,
          region,
          targetPoolResource: {
            name: 'pool-bad',
            instances: [`${base}/zones/us-central1-a/instances/nope`],
          },
        }),
      ),
    ).toMatchObject({ code: 404 });
  });

  it('serves a forwarding rule whose target is the pool: portRange only, ephemeral IP, EXTERNAL', async () => {
    const hc = await httpHealthCheck('hc-rule');
    const pool = await targetPool('pool-rule', hc);
    const insert = (extra: Record<string, unknown>) =>
      c.forwardingRules.insert({
        project,
        region,
        forwardingRuleResource: { name: 'rule-tp', IPProtocol: 'TCP', target: pool, ...extra },
      });
    expect(await errorOf(insert({ allPorts: true }))).toMatchObject({
      code: 400,
      message: expect.stringContaining('portRange'),
    });
    expect(await errorOf(insert({ ports: ['80'] }))).toMatchObject({ code: 400 });
    expect(
      await errorOf(insert({ portRange: '80-80', loadBalancingScheme: 'INTERNAL' })),
    ).toMatchObject({ code: 400, message: expect.stringContaining('EXTERNAL') });
    expect(
      await errorOf(
        insert({
          portRange: '80-80',
          backendService: `${base}/regions/${region}/backendServices/x`,
        }),
      ),
    ).toMatchObject({
      code: 400,
      message: expect.stringContaining('Only one of target and backendService'),
    });
    await regionWait((await insert({ portRange: '80-443' }))[0]);
    const [rule] = await c.forwardingRules.get({ project, region, forwardingRule: 'rule-tp' });
    expect(rule).toMatchObject({
      target: pool,
      portRange: '80-443',
      loadBalancingScheme: 'EXTERNAL',
    });
    expect(rule.IPAddress).toMatch(/^34\./);
    expect(rule.backendService ?? '').toBe('');
  });

  it('refuses to delete a pool a rule uses, and a health check a pool uses (400 resourceInUseByAnotherResource)', async () => {
    const hc = await httpHealthCheck('hc-used');
    const pool = await targetPool('pool-used', hc);
    const [op] = await c.forwardingRules.insert({
      project,
      region,
      forwardingRuleResource: {
        name: 'rule-used',
        IPProtocol: 'TCP',
        portRange: '80-80',
        target: pool,
      },
    });
    await regionWait(op);
    expect(await errorOf(pools.delete({ project, region, targetPool: 'pool-used' }))).toMatchObject(
      {
        code: 400,
        reason: 'resourceInUseByAnotherResource',
      },
    );
    expect(await errorOf(c.httpHealthChecks.delete(project, 'hc-used'))).toMatchObject({
      code: 400,
      reason: 'resourceInUseByAnotherResource',
    });
    await regionWait(
      (await c.forwardingRules.delete({ project, region, forwardingRule: 'rule-used' }))[0],
    );
    await regionWait((await pools.delete({ project, region, targetPool: 'pool-used' }))[0]);
    await globalWait({ latestResponse: await c.httpHealthChecks.delete(project, 'hc-used') });
    expect(fake.resources('targetPools').map((p) => p['name'])).not.toContain('pool-used');
  });
});
