import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  RunInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { Target } from '../../src/core/intent.js';

/** One of the images moto ships with (DescribeImages would list them all, slowly). */
const MOTO_AMI = 'ami-12c6146b';

/** A VPC as a cluster would have it: two ELB subnets in two zones, the nodes' security group, and EC2 instances as nodes. */
export interface TestNetwork {
  vpcId: string;
  subnets: string[];
  nodeSecurityGroup: string;
  nodes: Target[];
}

/** Creates the network directly through the SDK (test set-up, not lbctl's calls). */
export async function seedNetwork(
  ec2: EC2Client,
  options: { nodes: number; clusterName: string },
): Promise<TestNetwork> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId ?? '';
  const subnets: string[] = [];
  for (const [i, zone] of ['us-east-1a', 'us-east-1b'].entries()) {
    const s = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.0.${i}.0/24`,
        AvailabilityZone: zone,
      }),
    );
    const id = s.Subnet?.SubnetId ?? '';
    await ec2.send(
      new CreateTagsCommand({
        Resources: [id],
        Tags: [
          { Key: 'kubernetes.io/role/elb', Value: '1' },
          { Key: 'kubernetes.io/role/internal-elb', Value: '1' },
          { Key: `kubernetes.io/cluster/${options.clusterName}`, Value: 'shared' },
        ],
      }),
    );
    subnets.push(id);
  }
  const sg = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: 'nodes',
      Description: 'cluster nodes',
      VpcId: vpcId,
    }),
  );
  const nodes: Target[] = [];
  if (options.nodes > 0) {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: MOTO_AMI,
        MinCount: options.nodes,
        MaxCount: options.nodes,
        InstanceType: 't3.micro',
        SubnetId: subnets[0],
        SecurityGroupIds: [sg.GroupId ?? ''],
      }),
    );
    for (const [i, inst] of (run.Instances ?? []).entries()) {
      const zone = inst.Placement?.AvailabilityZone ?? 'us-east-1a';
      nodes.push({
        nodeName: `node-${i + 1}`,
        providerID: `aws:///${zone}/${inst.InstanceId ?? ''}`,
        zone,
      });
    }
  }
  return { vpcId, subnets: subnets.sort(), nodeSecurityGroup: sg.GroupId ?? '', nodes };
}
