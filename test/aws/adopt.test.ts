// Issue 12 #2 (AWS): an NLB made by the in-tree provider (cloud-controller-manager) is taken
// over in place — updates only, the DNS name unchanged, and the next plan is a no-op.
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/index.js';
import { createCallLog } from '../../src/core/calls.js';
import { clusterTagKey, SERVICE_NAME_TAG } from '../../src/core/tags.js';
import { hasChanges, plan } from '../../src/plan/index.js';
import { IN_TREE_PROVIDER } from '../../providers/aws/adopted-shape.js';
import { loadBalancerName } from '../../providers/aws/names.js';
import { connectAws } from '../../providers/aws/provider.js';
import { useMoto } from '../support/moto.js';
import { inTreeNlb } from './in-tree.js';
import { intent } from './fixtures.js';
import { TEST_ENV } from './harness.js';
import { seedNetwork } from './network.js';

const moto = useMoto();
const CLUSTER = 'test';

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
