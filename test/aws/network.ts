import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Target } from '../../src/core/intent.js';
import { seedMotoNetwork } from '../../infra/aws/moto-seed.js';

/** A VPC as a cluster would have it: two ELB subnets in two zones, the nodes' security group, and EC2 instances as nodes. */
export interface TestNetwork {
  vpcId: string;
  subnets: string[];
  nodeSecurityGroup: string;
  nodes: Target[];
}

export async function seedNetwork(
  ec2: EC2Client,
  options: { nodes: number; clusterName: string },
): Promise<TestNetwork> {
  const net = await seedMotoNetwork(ec2, options);
  return {
    ...net,
    nodes: net.nodes.map(({ nodeName, providerID, zone }) => ({ nodeName, providerID, zone })),
  };
}
