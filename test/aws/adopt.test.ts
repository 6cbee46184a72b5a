// Issue 12 #2 (AWS): an NLB made by the in-tree provider (cloud-controller-manager) is taken
// over in place — updates only, the DNS name unchanged, and the next plan is a no-op.
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
  RegisterTargetsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/index.js';
import { createCallLog } from '../../src/core/calls.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import { clusterTagKey, SERVICE_NAME_TAG } from '../../src/core/tags.js';
import { hasChanges, plan } from '../../src/plan/index.js';
import { IN_TREE_PROVIDER } from '../../providers/aws/adopted-shape.js';
import { loadBalancerName } from '../../providers/aws/names.js';
import { connectAws } from '../../providers/aws/provider.js';
import { instanceIdOf } from '../../providers/aws/targets.js';
import { useMoto } from '../support/moto.js';
import { intent } from './fixtures.js';
import { TEST_ENV } from './harness.js';
import { seedNetwork, type TestNetwork } from './network.js';

const moto = useMoto();
const CLUSTER = 'test';

/** What the in-tree provider creates for an `aws-load-balancer-type: nlb` Service (see providers/aws/adopt.ts). */
async function inTreeNlb(
  elb: ElasticLoadBalancingV2Client,
  net: TestNetwork,
  web: LoadBalancerIntent,
  tags: { Key: string; Value: string }[],
): Promise<{ arn: string; dns: string }> {
  const lb = await elb.send(
    new CreateLoadBalancerCommand({
      Name: loadBalancerName(web.service),
      Type: 'network',
      Subnets: net.subnets,
      Tags: tags,
    }),
  );
  const arn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  for (const [i, l] of web.listeners.entries()) {
    const tg = await elb.send(
      new CreateTargetGroupCommand({
        Name: `k8s-default-web-${String(i).repeat(10)}`,
        Protocol: 'TCP',
        Port: l.nodePort,
        VpcId: net.vpcId,
        TargetType: 'instance',
        HealthCheckProtocol: 'TCP',
        HealthCheckPort: 'traffic-port',
        HealthCheckIntervalSeconds: 30,
        HealthyThresholdCount: 3,
        UnhealthyThresholdCount: 3,
        Tags: tags,
      }),
    );
    const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
    await elb.send(
      new RegisterTargetsCommand({
        TargetGroupArn: tgArn,
        Targets: web.targets.map((t) => ({ Id: instanceIdOf(t), Port: l.nodePort })),
      }),
    );
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: arn,
        Protocol: 'TCP',
        Port: l.port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
        Tags: tags,
      }),
    );
  }
  return { arn, dns: lb.LoadBalancers?.[0]?.DNSName ?? '' };
}

async function setup() {
  const calls = createCallLog();
  const bootstrap = connectAws(
    {
      clusterName: CLUSTER,
      values: { endpoint: moto().endpoint, region: 'us-east-1' },
      env: TEST_ENV,
    },
    { calls: createCallLog() },
  );
  const net = await seedNetwork(bootstrap.clients.ec2, { nodes: 3, clusterName: CLUSTER });
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
    { calls, sleep: async () => {} },
  );
  return { provider, net, elb: bootstrap.clients.elb };
}

describe('adopting the in-tree provider’s NLB (AWS)', () => {
  it('plans updates only, keeps the DNS name, and the next plan is a no-op', async () => {
    const { provider, net, elb } = await setup();
    // The in-tree provider registered 2 of the 3 nodes; lbctl's intent has all 3.
    const web = intent({ clusterName: CLUSTER, targets: net.nodes });
    const before = await inTreeNlb(elb, net, { ...web, targets: net.nodes.slice(0, 2) }, [
      { Key: clusterTagKey(CLUSTER), Value: 'owned' },
      { Key: SERVICE_NAME_TAG, Value: 'default/web' },
    ]);
    const ctx = { clusterName: CLUSTER };
    const wanted = provider.desired(web);
    const observedBefore = await provider.observe(
      { service: web.service, desired: wanted, adopt: true },
      ctx,
    );
    expect(observedBefore.map((r) => r.foreign?.madeBy)).toEqual(
      observedBefore.map(() => IN_TREE_PROVIDER),
    );
    const adoption = {
      observed: observedBefore,
      desired: provider.fitDesired?.(wanted, observedBefore) ?? wanted,
    };
    const p = plan({ service: web.service, provider, ...adoption });
    const actions = Object.fromEntries(p.steps.map((s) => [s.address, s.action]));
    expect(actions).toEqual({
      'aws_lb.this': 'update',
      'aws_lb_listener.http': 'update',
      'aws_lb_listener.https': 'update',
      'aws_lb_target_group.http': 'update',
      'aws_lb_target_group.https': 'update',
    });
    expect(p.steps.map((s) => s.adopts)).toEqual(p.steps.map(() => IN_TREE_PROVIDER));
    provider.calls.reset();
    await apply(p, provider, { observed: adoption.observed, ctx });
    expect(provider.calls.count({ operation: 'RegisterTargets' })).toBe(2);
    expect(provider.calls.count({ operation: 'CreateLoadBalancer' })).toBe(0);
    expect(provider.calls.count({ operation: 'DeleteTargetGroup' })).toBe(0);

    const after = (
      await elb.send(new DescribeLoadBalancersCommand({ Names: [loadBalancerName(web.service)] }))
    ).LoadBalancers?.[0];
    expect({ arn: after?.LoadBalancerArn, dns: after?.DNSName }).toEqual(before);

    // From now on the ordinary observe finds it as lbctl's, and the adopted shape is kept.
    const desired = provider.desired(web);
    provider.calls.reset();
    const observed = await provider.observe({ service: web.service, desired }, ctx);
    // A no-op of lbctl's own shape reads 11 times; an adopted one 4 more, constant per Service:
    // the security group name check (it has none) and lbctl's 2 target group names (1 + 2).
    expect(provider.calls.count({ write: false })).toBe(15);
    expect(observed.some((r) => r.foreign !== undefined)).toBe(false);
    const next = plan({
      service: web.service,
      provider,
      desired: provider.fitDesired?.(desired, observed) ?? desired,
      observed,
    });
    expect(hasChanges(next), JSON.stringify(next.steps.filter((s) => s.action !== 'no-op'))).toBe(
      false,
    );
    // With --adopt still on, the adopted NLB is lbctl's: the ordinary observe, no extra reads.
    provider.calls.reset();
    const again = await provider.observe({ service: web.service, desired, adopt: true }, ctx);
    expect(again).toEqual(observed);
    expect(provider.calls.count({ write: false })).toBe(15);
  });

  it('an NLB of the same name without this cluster’s tag is not the in-tree provider’s: still refused with --adopt', async () => {
    const { provider, net, elb } = await setup();
    const web = intent({ clusterName: CLUSTER, targets: net.nodes });
    await inTreeNlb(elb, net, web, [{ Key: SERVICE_NAME_TAG, Value: 'default/web' }]);
    await expect(
      provider.observe(
        { service: web.service, desired: provider.desired(web), adopt: true },
        { clusterName: CLUSTER },
      ),
    ).rejects.toThrow(/has no tag kubernetes.io\/cluster\/test=owned/);
    expect(provider.calls.count({ write: true })).toBe(0);
  });
});

describe('without adoption, the in-tree NLB is refused with a message that says what it is', () => {
  it('observe: NotOwnedError naming the in-tree provider and the way out', async () => {
    const { provider, net, elb } = await setup();
    const web = intent({ clusterName: CLUSTER, targets: net.nodes });
    await inTreeNlb(elb, net, web, [
      { Key: clusterTagKey(CLUSTER), Value: 'owned' },
      { Key: SERVICE_NAME_TAG, Value: 'default/web' },
    ]);
    await expect(
      provider.observe(
        { service: web.service, desired: provider.desired(web) },
        { clusterName: CLUSTER },
      ),
    ).rejects.toThrow(/made by the in-tree AWS provider .* for Service default\/web: take it over/);
  });
});
