// Issue 9: a Service's observe costs the same whatever else the account holds. These tests pin
// the read count of a no-op reconcile and the look-ups that replaced the account-wide scan.
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import { addressOf } from '../../src/core/resource.js';
import { connectAws } from '../../providers/aws/provider.js';
import { converge, planFor, reconcileOnce } from '../contract/reconcile.js';
import { useMoto } from '../support/moto.js';
import { intent } from './fixtures.js';
import { TEST_ENV } from './harness.js';
import { seedNetwork } from './network.js';

const moto = useMoto();
const CLUSTER = 'test';

/** The read count of one no-op reconcile (observe + plan) of a 2-port Service, with the nodes' group configured. */
export const NO_OP_READS = 11;

const UNLIMITED = Object.fromEntries(
  ['describe', 'mutate', 'register', 'ec2-describe', 'ec2-mutate'].map((c) => [
    c,
    { rate: 10_000, burst: 10_000 },
  ]),
);

async function setup() {
  const bootstrap = connectAws(
    {
      clusterName: CLUSTER,
      values: { endpoint: moto().endpoint, region: 'us-east-1' },
      env: TEST_ENV,
    },
    { calls: createCallLog() },
  );
  const net = await seedNetwork(bootstrap.clients.ec2, { nodes: 2, clusterName: CLUSTER });
  const connect = (nodeRules: boolean) =>
    connectAws(
      {
        clusterName: CLUSTER,
        values: {
          endpoint: moto().endpoint,
          region: 'us-east-1',
          'vpc-id': net.vpcId,
          ...(nodeRules ? { 'security-group': net.nodeSecurityGroup } : {}),
        },
        env: TEST_ENV,
      },
      { calls: createCallLog(), sleep: async () => {}, limits: UNLIMITED },
    );
  const provider = connect(true);
  // The other Services add no rules to the nodes' group: AWS allows 60 inbound rules per
  // security group, which 30 two-port Services with the same nodePorts would exceed.
  return {
    provider,
    calls: provider.calls,
    net,
    elb: bootstrap.clients.elb,
    others: connect(false),
  };
}

const other = (i: number): ServiceIdentity => ({
  namespace: 'others',
  name: `svc-${i}`,
  uid: `${String(i + 1).padStart(8, '0')}-2222-4000-8000-000000000000`,
});

describe('AWS observe cost does not grow with the account', () => {
  it(`a no-op reconcile of one Service reads ${NO_OP_READS} times with 2 and with 30 other Services`, async () => {
    const { provider, calls, net, others } = await setup();
    const web = intent({ clusterName: CLUSTER, targets: net.nodes });
    await converge(provider, CLUSTER, web.service, web);
    const reads: Record<number, number> = {};
    let existing = 0;
    for (const k of [2, 30]) {
      for (; existing < k; existing++) {
        const s = other(existing);
        await converge(
          others,
          CLUSTER,
          s,
          intent({ service: s, clusterName: CLUSTER, targets: net.nodes }),
        );
      }
      calls.reset();
      const p = await reconcileOnce(provider, CLUSTER, web.service, web);
      expect(p.steps.every((s) => s.action === 'no-op')).toBe(true);
      expect(calls.count({ write: true })).toBe(0);
      reads[k] = calls.count({ write: false });
    }
    expect(reads).toEqual({ 2: NO_OP_READS, 30: NO_OP_READS });
  }, 120_000);

  it('target groups: a desired one never attached (crash) is found by name, an attached one no desired name reaches (renamed port) by the load balancer', async () => {
    const { provider, net } = await setup();
    const web = intent({ clusterName: CLUSTER, targets: net.nodes });
    await converge(provider, CLUSTER, web.service, web);
    // Port "https" renamed to "tls": its new target group has a new name; the old one is still
    // the listener's, reachable only through the load balancer.
    const renamed = {
      ...web,
      listeners: web.listeners.map((l) => (l.name === 'https' ? { ...l, name: 'tls' } : l)),
    };
    const desired = provider.desired(renamed);
    const newTg = desired.find((r) => addressOf(r) === 'aws_lb_target_group.tls');
    if (newTg === undefined) throw new Error('no target group for tls');
    // A crash right after creating the new group: it exists, attached to nothing.
    await provider.execute(
      {
        step: {
          address: addressOf(newTg),
          action: 'create',
          reason: 'test',
          after: newTg,
          changes: [],
          setDeltas: [],
          replacePaths: [],
        },
        state: new Map(),
      },
      { clusterName: CLUSTER },
    );
    const { observed } = await planFor(provider, CLUSTER, web.service, renamed);
    const tgs = observed
      .filter((r) => r.type === 'aws_lb_target_group')
      .map(addressOf)
      .sort();
    expect(tgs).toEqual([
      'aws_lb_target_group.http',
      'aws_lb_target_group.https',
      'aws_lb_target_group.tls',
    ]);
    await converge(provider, CLUSTER, web.service, renamed);
    const after = await provider.observe(
      { service: web.service, desired },
      { clusterName: CLUSTER },
    );
    expect(after.map(addressOf).sort()).toEqual(desired.map(addressOf).sort());
  }, 60_000);

  it('target groups: attached ones in one call by the NLB, a new port by its name, before the create 20 names per call then name by name', async () => {
    const { provider, calls, net } = await setup();
    const listeners = Array.from({ length: 22 }, (_, i) => ({
      name: `p${i}`,
      protocol: 'TCP' as const,
      port: 1000 + i,
      nodePort: 31000 + i,
    }));
    const wide = intent({ clusterName: CLUSTER, targets: net.nodes, listeners });
    const desired = provider.desired(wide);
    const ctx = { clusterName: CLUSTER };
    // Nothing exists: 2 batches (20 + 2 names) fail, then 22 single names.
    expect(await provider.observe({ service: wide.service, desired }, ctx)).toEqual([]);
    expect(calls.count({ operation: 'DescribeTargetGroups' })).toBe(2 + 22);

    await converge(provider, CLUSTER, wide.service, wide);
    calls.reset();
    const observed = await provider.observe({ service: wide.service, desired }, ctx);
    expect(observed.map(addressOf).sort()).toEqual(desired.map(addressOf).sort());
    expect(calls.count({ operation: 'DescribeTargetGroups' })).toBe(1);
    // 1 load balancer + 22 target groups + 22 listeners = 45 ARNs: 3 DescribeTags.
    expect(calls.count({ operation: 'DescribeTags' })).toBe(3);

    // One more port: the attached groups by the NLB, the new one by its name (not found).
    const more = {
      ...wide,
      listeners: [...listeners, { ...listeners[0]!, name: 'new', port: 2000, nodePort: 32000 }],
    };
    calls.reset();
    await provider.observe({ service: wide.service, desired: provider.desired(more) }, ctx);
    expect(calls.count({ operation: 'DescribeTargetGroups' })).toBe(2);
  }, 60_000);

  it('target groups of other owners in the account cost nothing: no tag read for them', async () => {
    const { provider, calls, net, elb } = await setup();
    for (let i = 0; i < 25; i++) {
      await elb.send(
        new CreateTargetGroupCommand({
          Name: `other-${i}`,
          Protocol: 'TCP',
          Port: 30000 + i,
          VpcId: net.vpcId,
        }),
      );
    }
    calls.reset();
    expect(
      await provider.observe({ service: intent().service, desired: [] }, { clusterName: CLUSTER }),
    ).toEqual([]);
    expect(calls.count({ operation: 'DescribeTags' })).toBe(0);
    expect(calls.count({ write: true })).toBe(0);
  });
});
