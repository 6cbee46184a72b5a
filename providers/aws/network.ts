import {
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  type Filter,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { LbctlError } from '../../src/core/errors.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import { clusterTagKey } from '../../src/core/tags.js';
import type { AwsApi } from './api.js';
import type { AwsSettings } from './settings.js';

/**
 * The VPC and subnets a load balancer goes into, when the operator configured none. The VPC is
 * the nodes': that of the running instances tagged `kubernetes.io/cluster/<name>` (the tag the
 * in-tree provider requires on a cluster's instances and EKS node groups set), read once per
 * provider instance with one DescribeInstances filter — not a subnet filter with two tag keys,
 * which moto answers with nothing. Subnets: tagged `kubernetes.io/role/elb` (internet-facing)
 * or `kubernetes.io/role/internal-elb` (internal), in that VPC and in the zones the nodes run
 * in (an NLB zone without nodes only drops traffic while cross-zone is off), one per zone,
 * preferring those tagged for this cluster — the in-tree provider's and the AWS Load Balancer
 * Controller's convention.
 */
export interface Network {
  vpcId(): Promise<string>;
  /** Subnet IDs for a new load balancer; `wanted` may hold IDs or Name tags (annotation). */
  subnets(scheme: string, wanted: readonly string[] | undefined): Promise<string[]>;
}

const isSubnetId = (s: string) => /^subnet-[0-9a-f]+$/.test(s);

export function createNetwork(api: AwsApi, settings: AwsSettings, clusterName: string): Network {
  let vpc: Promise<string> | undefined;
  const describe = async (Filters: Filter[], SubnetIds?: string[]): Promise<Subnet[]> => {
    const out: Subnet[] = [];
    let token: string | undefined;
    do {
      const page = await api.ec2(
        new DescribeSubnetsCommand({
          ...(SubnetIds === undefined ? { Filters, MaxResults: 1000 } : { SubnetIds }),
          ...(token === undefined ? {} : { NextToken: token }),
        }),
      );
      out.push(...(page.Subnets ?? []));
      token = page.NextToken;
    } while (token !== undefined && token !== '');
    return out;
  };
  let nodes: Promise<NodePlacement> | undefined;
  let nodeZones: Promise<Set<string> | undefined> | undefined;
  const placement = (): Promise<NodePlacement> => {
    nodes ??= nodePlacement(api, clusterName);
    // A failed look-up is not cached.
    nodes.catch(() => (nodes = undefined));
    return nodes;
  };
  const vpcFilter = async (): Promise<Filter[]> => [{ Name: 'vpc-id', Values: [await vpcId()] }];

  const discover = async (scheme: string): Promise<string[]> => {
    const role =
      scheme === 'internal' ? 'kubernetes.io/role/internal-elb' : 'kubernetes.io/role/elb';
    const found = await describe([{ Name: 'tag-key', Values: [role] }, ...(await vpcFilter())]);
    const ours = (s: Subnet) => (s.Tags ?? []).some((t) => t.Key === clusterTagKey(clusterName));
    // With vpc-id configured the nodes may carry no cluster tag: then every zone is a candidate.
    nodeZones ??= placement().then(
      (p) => p.zones,
      () => undefined,
    );
    const zones = await nodeZones;
    const inNodeZones = (s: Subnet) => zones === undefined || zones.has(s.AvailabilityZone ?? '');
    const byZone = new Map<string, Subnet>();
    for (const s of [...found]
      .filter(inNodeZones)
      .sort(
        (a, b) =>
          Number(ours(b)) - Number(ours(a)) || (a.SubnetId ?? '').localeCompare(b.SubnetId ?? ''),
      )) {
      const zone = s.AvailabilityZone ?? '';
      if (!byZone.has(zone)) byZone.set(zone, s);
    }
    const ids = [...byZone.values()].map((s) => s.SubnetId ?? '').sort();
    if (ids.length === 0) {
      throw new LbctlError(
        'terminal',
        `no subnets for an ${scheme} load balancer${zones === undefined ? '' : ` in the nodes' zones (${[...zones].sort().join(', ')})`}: set --set subnets=subnet-…,subnet-… (or LBCTL_AWS_SUBNETS), or tag subnets with ${role}`,
      );
    }
    return ids;
  };

  const vpcId = (): Promise<string> => {
    vpc ??= (async () => {
      if (settings.vpcId !== undefined) return settings.vpcId;
      if (settings.subnets !== undefined) {
        const id = (await describe([], settings.subnets))[0]?.VpcId;
        if (id !== undefined) return id;
      }
      return (await placement()).vpcId;
    })();
    // A failed look-up is not cached.
    vpc.catch(() => (vpc = undefined));
    return vpc;
  };

  return {
    vpcId,
    async subnets(scheme, wanted) {
      if (wanted === undefined || wanted.length === 0) return discover(scheme);
      const names = wanted.filter((w) => !isSubnetId(w));
      if (names.length === 0) return [...wanted];
      const found = await describe([
        { Name: 'tag:Name', Values: names },
        ...(settings.vpcId === undefined ? [] : [{ Name: 'vpc-id', Values: [settings.vpcId] }]),
      ]);
      return wanted.map((w) => {
        if (isSubnetId(w)) return w;
        const id = found.find((s) =>
          (s.Tags ?? []).some((t) => t.Key === 'Name' && t.Value === w),
        )?.SubnetId;
        if (id === undefined)
          throw new LbctlError(
            'terminal',
            `no subnet is named "${w}" (service.beta.kubernetes.io/aws-load-balancer-subnets)`,
          );
        return id;
      });
    },
  };
}

/** Where the cluster's nodes run: their one VPC and their zones. */
interface NodePlacement {
  vpcId: string;
  zones: Set<string>;
}

async function nodePlacement(api: AwsApi, clusterName: string): Promise<NodePlacement> {
  const vpcs = new Set<string>();
  const zones = new Set<string>();
  let token: string | undefined;
  do {
    const page = await api.ec2(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag-key', Values: [clusterTagKey(clusterName)] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
        MaxResults: 1000,
        ...(token === undefined ? {} : { NextToken: token }),
      }),
    );
    for (const i of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      if (i.VpcId !== undefined) vpcs.add(i.VpcId);
      if (i.Placement?.AvailabilityZone !== undefined) zones.add(i.Placement.AvailabilityZone);
    }
    token = page.NextToken;
  } while (token !== undefined && token !== '');
  const [only, ...more] = [...vpcs].sort();
  if (only === undefined) {
    throw new LbctlError(
      'terminal',
      `cannot tell which VPC to use: no running EC2 instance carries the tag ${clusterTagKey(clusterName)} (tag the nodes' instances, as the in-tree provider requires), or set --set vpc-id=vpc-… (or LBCTL_AWS_VPC_ID)`,
    );
  }
  if (more.length > 0) {
    throw new LbctlError(
      'terminal',
      `the instances tagged ${clusterTagKey(clusterName)} are in several VPCs (${[only, ...more].join(', ')}): set --set vpc-id=vpc-… (or LBCTL_AWS_VPC_ID)`,
    );
  }
  return { vpcId: only, zones };
}

/**
 * The subnets annotation may name subnets by their Name tag; AWS reports IDs. So that the plan
 * compares like with like (subnets force a new NLB), IDs whose Name tag the desired list uses
 * are reported by that name. Costs one DescribeSubnets, only when names are in use.
 */
export async function spellSubnetsAsDesired(
  api: AwsApi,
  lb: Resource,
  desired: readonly Resource[],
): Promise<Resource> {
  const wanted = desired.find((r) => addressOf(r) === addressOf(lb))?.attributes['subnets'];
  const names = Array.isArray(wanted)
    ? wanted.filter((w): w is string => typeof w === 'string' && !w.startsWith('subnet-'))
    : [];
  const ids = lb.attributes['subnets'];
  if (names.length === 0 || !Array.isArray(ids) || ids.length === 0) return lb;
  const found = await api.ec2(
    new DescribeSubnetsCommand({
      SubnetIds: ids.filter((i): i is string => typeof i === 'string'),
    }),
  );
  const nameOf = new Map(
    (found.Subnets ?? []).map((s) => [
      s.SubnetId ?? '',
      s.Tags?.find((t) => t.Key === 'Name')?.Value,
    ]),
  );
  const spelled = ids.map((id) => {
    const name = typeof id === 'string' ? nameOf.get(id) : undefined;
    return name !== undefined && names.includes(name) ? name : id;
  });
  return { ...lb, attributes: { ...lb.attributes, subnets: [...spelled].sort() } };
}
