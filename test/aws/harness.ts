import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { createCallLog } from '../../src/core/calls.js';
import { clusterTagKey, SERVICE_UID_TAG } from '../../src/core/tags.js';
import { createClients } from '../../providers/aws/clients.js';
import { loadBalancerName } from '../../providers/aws/names.js';
import { connectAws } from '../../providers/aws/provider.js';
import type { ContractHarness } from '../contract/harness.js';
import { seededRandom, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startMoto } from '../support/moto.js';
import { intent } from './fixtures.js';
import { seedNetwork, type TestNetwork } from './network.js';

const CLUSTER = 'contract';
export const TEST_ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

async function tagsOf(
  elb: ElasticLoadBalancingV2Client,
  arns: string[],
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (let i = 0; i < arns.length; i += 20) {
    const page = await elb.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) }));
    for (const d of page.TagDescriptions ?? []) {
      out.set(
        d.ResourceArn ?? '',
        Object.fromEntries((d.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      );
    }
  }
  return out;
}

/** Everything tagged for the cluster, read straight from moto (not through lbctl or the fault proxy). */
async function inventory(elb: ElasticLoadBalancingV2Client, ec2: EC2Client): Promise<string[]> {
  const lbs = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
  const tgs = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
  const listeners = (
    await Promise.all(
      lbs.map(
        async (l) =>
          (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: l.LoadBalancerArn })))
            .Listeners ?? [],
      ),
    )
  ).flat();
  const arns = [
    ...lbs.map((l) => l.LoadBalancerArn),
    ...tgs.map((t) => t.TargetGroupArn),
    ...listeners.map((l) => l.ListenerArn),
  ].filter((a): a is string => a !== undefined);
  const tags =
    arns.length === 0 ? new Map<string, Record<string, string>>() : await tagsOf(elb, arns);
  const out: string[] = [];
  for (const [arn, t] of tags) {
    if (t[clusterTagKey(CLUSTER)] !== undefined)
      out.push(`${t[SERVICE_UID_TAG] ?? '?'} ${arn.split(':').pop() ?? arn}`);
  }
  // Resources of a Service carry its UID; the nodes' group (the cluster's own) does not.
  const filter = [
    { Name: `tag:${clusterTagKey(CLUSTER)}`, Values: ['owned'] },
    { Name: 'tag-key', Values: [SERVICE_UID_TAG] },
  ];
  for (const g of (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: filter })))
    .SecurityGroups ?? []) {
    out.push(
      `${g.Tags?.find((t) => t.Key === SERVICE_UID_TAG)?.Value ?? '?'} security-group ${g.GroupName ?? ''}`,
    );
  }
  for (const r of (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: filter })))
    .SecurityGroupRules ?? []) {
    out.push(
      `${r.Tags?.find((t) => t.Key === SERVICE_UID_TAG)?.Value ?? '?'} security-group-rule ${r.SecurityGroupRuleId ?? ''}`,
    );
  }
  return out.sort();
}

/** The contract harness for AWS: moto on a free loopback port, a seeded VPC, and the fault proxy in front on demand. */
export async function awsHarness(): Promise<ContractHarness> {
  const moto = await startMoto();
  const direct = createClients(
    { endpoint: moto.endpoint, region: 'us-east-1', rates: {} },
    { env: TEST_ENV },
  );
  const proxies: FaultProxy[] = [];
  let net: TestNetwork | undefined;
  const network = () => {
    if (net === undefined) throw new Error('reset() first');
    return net;
  };
  return {
    clusterName: CLUSTER,
    async reset() {
      await Promise.all(proxies.splice(0).map((p) => p.close()));
      await moto.reset();
      net = await seedNetwork(direct.ec2, { nodes: 4, clusterName: CLUSTER });
      return { nodes: net.nodes };
    },
    async connect(options = {}) {
      let endpoint = moto.endpoint;
      if ((options.faults ?? 0) > 0) {
        const proxy = await startFaultProxy({
          target: moto.endpoint,
          rate: options.faults ?? 0,
          seed: options.seed ?? 1,
        });
        proxies.push(proxy);
        endpoint = proxy.endpoint;
      }
      const values = {
        endpoint,
        region: 'us-east-1',
        'vpc-id': network().vpcId,
        'security-group': network().nodeSecurityGroup,
      };
      return connectAws(
        { clusterName: CLUSTER, values, env: TEST_ENV },
        {
          calls: createCallLog(),
          sleep: async () => {},
          random: seededRandom(options.seed ?? 1),
          requestTimeoutMs: 10_000,
        },
      );
    },
    intent: (service, nodes, overrides = {}) =>
      intent({ service, clusterName: CLUSTER, targets: [...nodes], ...overrides }),
    async createForeign(service) {
      const name = loadBalancerName(service);
      await direct.elb.send(
        new CreateLoadBalancerCommand({ Name: name, Type: 'network', Subnets: network().subnets }),
      );
      return `load balancer "${name}"`;
    },
    async foreignIntact(service) {
      const found =
        (
          await direct.elb.send(
            new DescribeLoadBalancersCommand({ Names: [loadBalancerName(service)] }),
          )
        ).LoadBalancers ?? [];
      const arn = found[0]?.LoadBalancerArn;
      if (found.length !== 1 || arn === undefined) return false;
      const tags = (await tagsOf(direct.elb, [arn])).get(arn) ?? {};
      const listeners =
        (await direct.elb.send(new DescribeListenersCommand({ LoadBalancerArn: arn }))).Listeners ??
        [];
      return Object.keys(tags).length === 0 && listeners.length === 0;
    },
    inventory: () => inventory(direct.elb, direct.ec2),
    targetWrites({ added, removed, listeners }) {
      const out: Record<string, number> = {};
      if (added > 0) out['RegisterTargets'] = listeners * Math.ceil(added / 100);
      if (removed > 0) out['DeregisterTargets'] = listeners * Math.ceil(removed / 100);
      return out;
    },
    async close() {
      await Promise.all(proxies.splice(0).map((p) => p.close()));
      direct.elb.destroy();
      direct.ec2.destroy();
      await moto.stop();
    },
  };
}
