// Issue 10: the VPC and the subnets' zones come from the nodes' instances, so that lbctl needs
// no vpc-id on moto (whose DescribeSubnets answers a tag-key filter of two values with nothing).
import {
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeSubnetsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import { addressOf } from '../../src/core/resource.js';
import { connectAws } from '../../providers/aws/provider.js';
import { converge } from '../contract/reconcile.js';
import { useMoto } from '../support/moto.js';
import { intent } from './fixtures.js';
import { TEST_ENV } from './harness.js';
import { seedNetwork } from './network.js';

const moto = useMoto();
const CLUSTER = 'test';

const connect = (values: Record<string, string> = {}) =>
  connectAws(
    {
      clusterName: CLUSTER,
      values: { endpoint: moto().endpoint, region: 'us-east-1', ...values },
      env: TEST_ENV,
    },
    { calls: createCallLog(), sleep: async () => {} },
  );

/** A second VPC with a subnet tagged for load balancers: discovery must not pick it. */
async function decoyVpc(ec2: ReturnType<typeof connect>['clients']['ec2']): Promise<string> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
  const s = await ec2.send(
    new CreateSubnetCommand({
      VpcId: vpc.Vpc?.VpcId ?? '',
      CidrBlock: '10.9.0.0/24',
      AvailabilityZone: 'us-east-1c',
    }),
  );
  await ec2.send(
    new CreateTagsCommand({
      Resources: [s.Subnet?.SubnetId ?? ''],
      Tags: [{ Key: 'kubernetes.io/role/elb', Value: '1' }],
    }),
  );
  return vpc.Vpc?.VpcId ?? '';
}

describe('AWS network discovery from the nodes’ instances', () => {
  it('without vpc-id or subnets: the VPC of the cluster-tagged instances, one subnet per zone the nodes run in', async () => {
    const bootstrap = connect();
    const net = await seedNetwork(bootstrap.clients.ec2, { nodes: 2, clusterName: CLUSTER });
    const decoy = await decoyVpc(bootstrap.clients.ec2);
    const provider = connect({ 'security-group': net.nodeSecurityGroup });
    const web = intent({ clusterName: CLUSTER, targets: net.nodes });
    await converge(provider, CLUSTER, web.service, web);
    const observed = await provider.observe(
      { service: web.service, desired: provider.desired(web) },
      { clusterName: CLUSTER },
    );
    const vpcs = new Set(
      observed.flatMap((r) =>
        r.attributes['vpc_id'] === undefined ? [] : [r.attributes['vpc_id']],
      ),
    );
    expect(vpcs).toEqual(new Set([net.vpcId]));
    expect(vpcs.has(decoy)).toBe(false);
    expect(observed.find((r) => addressOf(r) === 'aws_lb.this')?.attributes['subnets']).toEqual(
      net.subnets,
    );
    // Looked up once per provider, not per Service or per resource.
    expect(provider.calls.count({ operation: 'DescribeInstances' })).toBe(1);
  });

  it('nodes in one zone only: the NLB gets only that zone’s subnet', async () => {
    const bootstrap = connect();
    const net = await seedNetwork(bootstrap.clients.ec2, { nodes: 1, clusterName: CLUSTER });
    const provider = connect();
    const web = intent({ clusterName: CLUSTER, targets: net.nodes });
    await converge(provider, CLUSTER, web.service, web);
    const lb = (
      await provider.observe(
        { service: web.service, desired: provider.desired(web) },
        { clusterName: CLUSTER },
      )
    ).find((r) => addressOf(r) === 'aws_lb.this');
    const ids = lb?.attributes['subnets'] as string[];
    expect(ids).toHaveLength(1);
    const zones = await bootstrap.clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ids }));
    expect(zones.Subnets?.map((s) => s.AvailabilityZone)).toEqual([net.nodes[0]?.zone]);
  });

  it('no instance carries the cluster tag: a clear error naming the tag and the setting, nothing created', async () => {
    const bootstrap = connect();
    const net = await seedNetwork(bootstrap.clients.ec2, { nodes: 0, clusterName: CLUSTER });
    await bootstrap.clients.ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12c6146b',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: net.subnets[0],
      }),
    );
    const provider = connect();
    const web = intent({ clusterName: CLUSTER, targets: [] });
    await expect(converge(provider, CLUSTER, web.service, web, 1)).rejects.toThrow(
      /no running EC2 instance carries the tag kubernetes\.io\/cluster\/test .*--set vpc-id=/,
    );
    expect(provider.calls.count({ write: true })).toBe(0);
  });
});
