// The AWS ownership sweep beyond the contract suite: what no by-name look-up reaches, what
// carries our cluster tag but is not lbctl's, and what the sweep costs.
import {
  AddTagsCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import { addressOf } from '../../src/core/resource.js';
import { clusterTagKey, SERVICE_NAME_TAG } from '../../src/core/tags.js';
import { findOrphans } from '../../src/plan/orphans.js';
import { connectAws } from '../../providers/aws/provider.js';
import { converge } from '../contract/reconcile.js';
import { useMoto } from '../support/moto.js';
import { intent } from './fixtures.js';
import { TEST_ENV } from './harness.js';
import { seedNetwork } from './network.js';

const moto = useMoto();
const CLUSTER = 'test';

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
  const provider = connectAws(
    {
      clusterName: CLUSTER,
      values: {
        endpoint: moto().endpoint,
        region: 'us-east-1',
        'vpc-id': net.vpcId,
        'security-group': net.nodeSecurityGroup,
      },
      env: TEST_ENV,
    },
    { calls: createCallLog(), sleep: async () => {} },
  );
  return { provider, net, elb: bootstrap.clients.elb };
}

describe('AWS ownership sweep', () => {
  it('finds a target group no listener uses any more (a crash mid-change) as an orphan of the live Service, and nothing else of it', async () => {
    const { provider, net, elb } = await setup();
    const web = intent({ clusterName: CLUSTER, targets: net.nodes });
    await converge(provider, CLUSTER, web.service, web);
    const observed = await provider.observe(
      { service: web.service, desired: provider.desired(web) },
      { clusterName: CLUSTER },
    );
    // The listener of "https" is gone (as after a crash between its change and the old group's
    // delete): its target group is now reachable by name only, under a name no desire has.
    const https = observed.find((r) => addressOf(r) === 'aws_lb_listener.https');
    await elb.send(new DeleteListenerCommand({ ListenerArn: https?.id }));
    const live = new Map([
      [
        web.service.uid,
        new Set(
          provider
            .desired(web)
            .map(addressOf)
            .filter((a) => !a.endsWith('.https')),
        ),
      ],
    ]);
    const orphans = findOrphans(await provider.sweep({ clusterName: CLUSTER }), live);
    expect(orphans.map((o) => addressOf(o.resource))).toEqual(['aws_lb_target_group.https']);
    expect(provider.calls.count({ write: true, operation: 'DeleteTargetGroup' })).toBe(0);
  });

  it('leaves out what carries our cluster tag but not lbctl’s resource tag (the in-tree provider’s NLBs) and what has no cluster tag', async () => {
    const { provider, net, elb } = await setup();
    const inTree = await elb.send(
      new CreateLoadBalancerCommand({
        Name: 'a0123456789abcdef',
        Type: 'network',
        Subnets: net.subnets,
      }),
    );
    await elb.send(
      new AddTagsCommand({
        ResourceArns: [inTree.LoadBalancers?.[0]?.LoadBalancerArn ?? ''],
        Tags: [
          { Key: clusterTagKey(CLUSTER), Value: 'owned' },
          { Key: SERVICE_NAME_TAG, Value: 'default/legacy' },
        ],
      }),
    );
    await elb.send(
      new CreateTargetGroupCommand({
        Name: 'someone-else',
        Protocol: 'TCP',
        Port: 1,
        VpcId: net.vpcId,
      }),
    );
    expect(await provider.sweep({ clusterName: CLUSTER })).toEqual([]);
  });

  it('costs one listing per resource kind, one DescribeTags per 20 ARNs and one DescribeListeners per owned load balancer', async () => {
    const { provider, net } = await setup();
    const services = [0, 1, 2].map((i) => ({
      namespace: 'default',
      name: `svc-${i}`,
      uid: `${String(i + 1).padStart(8, '0')}-3333-4000-8000-000000000000`,
    }));
    for (const s of services)
      await converge(
        provider,
        CLUSTER,
        s,
        intent({ service: s, clusterName: CLUSTER, targets: net.nodes }),
      );
    provider.calls.reset();
    const swept = await provider.sweep({ clusterName: CLUSTER });
    // 3 Services × (group, NLB, 2 target groups, 2 listeners, 2 node rules).
    expect(swept).toHaveLength(24);
    const count = (operation: string) => provider.calls.count({ operation });
    expect({
      DescribeLoadBalancers: count('DescribeLoadBalancers'),
      DescribeTargetGroups: count('DescribeTargetGroups'),
      // 3 NLBs + 6 target groups = 9 ARNs, then 6 listeners.
      DescribeTags: count('DescribeTags'),
      DescribeListeners: count('DescribeListeners'),
      DescribeSecurityGroups: count('DescribeSecurityGroups'),
      DescribeSecurityGroupRules: count('DescribeSecurityGroupRules'),
      total: provider.calls.count(),
    }).toEqual({
      DescribeLoadBalancers: 1,
      DescribeTargetGroups: 1,
      DescribeTags: 2,
      DescribeListeners: 3,
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      total: 9,
    });
  });
});
