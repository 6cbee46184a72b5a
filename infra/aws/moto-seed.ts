// Seeds a moto server with what a cluster already has in AWS: a VPC, two subnets tagged for
// load balancers in two zones, the nodes' security group and EC2 instances as nodes. Prints the
// lbctl settings to export and writes Node manifests whose providerIDs are those instances.
//
//   node --import tsx infra/aws/moto-seed.ts --endpoint http://127.0.0.1:5000 --nodes 3 --out nodes.yaml
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { stringify } from 'yaml';

/** One of the images moto ships with. */
const MOTO_AMI = 'ami-12c6146b';

export interface SeededNode {
  nodeName: string;
  providerID: string;
  zone: string;
  internalIP: string;
}

export interface SeededNetwork {
  vpcId: string;
  subnets: string[];
  nodeSecurityGroup: string;
  nodes: SeededNode[];
}

/** Creates the network through the SDK directly (set-up, not lbctl's own calls). */
export async function seedMotoNetwork(
  ec2: EC2Client,
  options: { nodes: number; clusterName: string },
): Promise<SeededNetwork> {
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
          { Key: 'Name', Value: `lb-${zone}` },
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
  await ec2.send(
    new CreateTagsCommand({
      Resources: [sg.GroupId ?? ''],
      Tags: [{ Key: `kubernetes.io/cluster/${options.clusterName}`, Value: 'owned' }],
    }),
  );
  const nodes: SeededNode[] = [];
  // Nodes alternate between the two zones and carry the cluster tag, as EKS node groups do:
  // lbctl finds the VPC and the zones from them.
  for (let i = 0; i < options.nodes; i++) {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: MOTO_AMI,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        SubnetId: subnets[i % subnets.length],
        SecurityGroupIds: [sg.GroupId ?? ''],
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [{ Key: `kubernetes.io/cluster/${options.clusterName}`, Value: 'owned' }],
          },
        ],
      }),
    );
    for (const inst of run.Instances ?? []) {
      const zone = inst.Placement?.AvailabilityZone ?? 'us-east-1a';
      nodes.push({
        nodeName: `node-${i + 1}`,
        providerID: `aws:///${zone}/${inst.InstanceId ?? ''}`,
        zone,
        internalIP: inst.PrivateIpAddress ?? '',
      });
    }
  }
  return { vpcId, subnets: subnets.sort(), nodeSecurityGroup: sg.GroupId ?? '', nodes };
}

/** Node manifests for the seeded instances, as `lbctl plan -f` reads them. */
export function nodeManifests(nodes: readonly SeededNode[]): string {
  return nodes
    .map((n) =>
      stringify({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: n.nodeName,
          labels: { 'kubernetes.io/hostname': n.nodeName, 'topology.kubernetes.io/zone': n.zone },
        },
        spec: { providerID: n.providerID },
        status: {
          addresses: [{ type: 'InternalIP', address: n.internalIP }],
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      }),
    )
    .join('---\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string', default: 'http://127.0.0.1:5000' },
      nodes: { type: 'string', default: '3' },
      'cluster-name': { type: 'string', default: 'kubernetes' },
      out: { type: 'string', default: 'moto-nodes.yaml' },
    },
  });
  const endpoint = new URL(values.endpoint);
  if (endpoint.hostname !== '127.0.0.1' && endpoint.hostname !== 'localhost') {
    throw new Error(
      `refusing to seed ${values.endpoint}: this script is for a local moto server only`,
    );
  }
  const ec2 = new EC2Client({
    endpoint: values.endpoint,
    region: process.env['AWS_REGION'] ?? 'us-east-1',
    credentials: {
      accessKeyId: process.env['AWS_ACCESS_KEY_ID'] ?? 'test',
      secretAccessKey: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'test',
    },
  });
  const net = await seedMotoNetwork(ec2, {
    nodes: Number(values.nodes),
    clusterName: values['cluster-name'],
  });
  writeFileSync(values.out, nodeManifests(net.nodes));
  process.stdout.write(
    [
      `# ${net.nodes.length} nodes written to ${values.out}`,
      `# VPC ${net.vpcId} and subnets ${net.subnets.join(', ')}: lbctl finds them from the nodes' instances`,
      `export LBCTL_AWS_ENDPOINT=${values.endpoint}`,
      `export LBCTL_AWS_SECURITY_GROUP=${net.nodeSecurityGroup}`,
      '',
    ].join('\n'),
  );
  ec2.destroy();
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
