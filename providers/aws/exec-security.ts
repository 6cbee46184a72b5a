import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { NotOwnedError } from '../../src/core/errors.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import { isOwnedBy, SERVICE_NAME_TAG, SERVICE_UID_TAG } from '../../src/core/tags.js';
import {
  delta,
  idOf,
  ignoreNotFound,
  isCode,
  num,
  str,
  stringRecord,
  syncEc2Tags,
  updated,
  type ExecContext,
} from './exec-common.js';
import { ownershipDetail } from './observe.js';
import { ingressMembers, observedSecurityGroup } from './observed.js';
import { fromSdkTags, toSdkTags } from './tags.js';

/** Set members (`tcp:80:10.0.0.0/8`, `all:-1:sg-…`, `tcp:1000-2000:::/0`) → EC2 permissions, one per protocol and port range. */
export function toIpPermissions(members: readonly string[]): IpPermission[] {
  const byKey = new Map<string, IpPermission>();
  for (const m of members) {
    const [protocol = '', ports = '', ...rest] = m.split(':');
    const source = rest.join(':');
    const [from, to] = ports.includes('-', 1)
      ? ports.split(/(?<=\d)-/).map(Number)
      : [Number(ports), Number(ports)];
    const key = `${protocol}:${ports}`;
    const p = byKey.get(key) ?? {
      IpProtocol: protocol === 'all' ? '-1' : protocol,
      FromPort: from,
      ToPort: to ?? from,
    };
    if (source.startsWith('sg-'))
      p.UserIdGroupPairs = [...(p.UserIdGroupPairs ?? []), { GroupId: source }];
    else if (source.startsWith('pl-'))
      p.PrefixListIds = [...(p.PrefixListIds ?? []), { PrefixListId: source }];
    else if (source.includes(':')) p.Ipv6Ranges = [...(p.Ipv6Ranges ?? []), { CidrIpv6: source }];
    else p.IpRanges = [...(p.IpRanges ?? []), { CidrIp: source }];
    byKey.set(key, p);
  }
  return [...byKey.values()];
}

const owned = (ctx: ExecContext, tags: Record<string, string>, after: Resource) =>
  isOwnedBy(tags, ctx.clusterName) &&
  tags[SERVICE_UID_TAG] === stringRecord(after.attributes['tags'])[SERVICE_UID_TAG];

export async function createSecurityGroup(ctx: ExecContext, after: Resource): Promise<Resource> {
  const a = after.attributes;
  const vpcId = a['vpc_id'] === undefined ? await ctx.network.vpcId() : str(a['vpc_id']);
  let groupId: string;
  try {
    const out = await ctx.api.ec2(
      new CreateSecurityGroupCommand({
        GroupName: str(a['name']),
        Description: str(a['description']),
        VpcId: vpcId,
        TagSpecifications: [
          { ResourceType: 'security-group', Tags: toSdkTags(stringRecord(a['tags'])) },
        ],
      }),
    );
    groupId = out.GroupId ?? '';
  } catch (e) {
    if (!isCode(e, 'InvalidGroup.Duplicate')) throw e;
    const found = await describeGroup(ctx, [
      { Name: 'group-name', Values: [str(a['name'])] },
      { Name: 'vpc-id', Values: [vpcId] },
    ]);
    const tags = fromSdkTags(found?.Tags);
    if (found === undefined || !owned(ctx, tags, after)) {
      throw new NotOwnedError(
        `${addressOf(after)} (security group "${str(a['name'])}", ${found?.GroupId ?? ''})`,
        ownershipDetail(tags, ctx.clusterName),
      );
    }
    return updateSecurityGroup(ctx, observedSecurityGroup(found, after.name, tags), {
      ...after,
      attributes: { ...a, vpc_id: vpcId },
    });
  }
  const created: Resource = {
    ...after,
    id: groupId,
    attributes: { ...a, vpc_id: vpcId, ingress: [] },
  };
  return updateSecurityGroup(
    ctx,
    created,
    { ...after, attributes: { ...a, vpc_id: vpcId } },
    { tags: false },
  );
}

async function describeGroup(ctx: ExecContext, Filters: { Name: string; Values: string[] }[]) {
  return (await ctx.api.ec2(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups?.[0];
}

/**
 * Authorizes and revokes only the delta. When a retried call already went through (AWS says
 * the permission is a duplicate, or unknown on revoke), the group is read again and only what
 * is still missing is written.
 */
export async function updateSecurityGroup(
  ctx: ExecContext,
  before: Resource,
  after: Resource,
  write = { tags: true },
): Promise<Resource> {
  const groupId = before.id ?? '';
  let { add, remove } = delta(before.attributes['ingress'], after.attributes['ingress']);
  const refresh = async () => {
    const now = ingressMembers(
      (await describeGroup(ctx, [{ Name: 'group-id', Values: [groupId] }])) ?? {},
    );
    ({ add, remove } = delta(now, after.attributes['ingress']));
  };
  if (add.length > 0) {
    try {
      await ctx.api.ec2(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: toIpPermissions(add),
        }),
      );
    } catch (e) {
      if (!isCode(e, 'InvalidPermission.Duplicate')) throw e;
      await refresh();
      if (add.length > 0)
        await ctx.api.ec2(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: toIpPermissions(add),
          }),
        );
    }
  }
  if (remove.length > 0) {
    try {
      await ctx.api.ec2(
        new RevokeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: toIpPermissions(remove),
        }),
      );
    } catch (e) {
      if (!isCode(e, 'InvalidPermission.NotFound')) throw e;
      await refresh();
      if (remove.length > 0)
        await ctx.api.ec2(
          new RevokeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: toIpPermissions(remove),
          }),
        );
    }
  }
  if (write.tags) await syncEc2Tags(ctx, groupId, before, after);
  return updated(before, after);
}

export const deleteSecurityGroup = (ctx: ExecContext, before: Resource): Promise<undefined> =>
  ignoreNotFound(() => ctx.api.ec2(new DeleteSecurityGroupCommand({ GroupId: before.id })));

/** One rule on the nodes' group, tagged so that it is found (and only it is removed) later. */
export async function createIngressRule(ctx: ExecContext, after: Resource): Promise<Resource> {
  const a = after.attributes;
  const groupId = str(a['security_group_id']);
  const referenced = idOf(ctx, a['referenced_security_group'], addressOf(after));
  const permission: IpPermission = {
    IpProtocol: str(a['ip_protocol']),
    FromPort: num(a['from_port']),
    ToPort: num(a['to_port']),
    // moto drops rule descriptions, so the description is not part of the compared attributes.
    UserIdGroupPairs: [
      {
        GroupId: referenced,
        Description: `lbctl ${stringRecord(a['tags'])[SERVICE_NAME_TAG] ?? ''}`,
      },
    ],
  };
  try {
    const out = await ctx.api.ec2(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [permission],
        TagSpecifications: [
          { ResourceType: 'security-group-rule', Tags: toSdkTags(stringRecord(a['tags'])) },
        ],
      }),
    );
    return { ...after, id: out.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '' };
  } catch (e) {
    if (!isCode(e, 'InvalidPermission.Duplicate')) throw e;
  }
  const rules =
    (
      await ctx.api.ec2(
        new DescribeSecurityGroupRulesCommand({
          Filters: [{ Name: 'group-id', Values: [groupId] }],
        }),
      )
    ).SecurityGroupRules ?? [];
  const twin = rules.find(
    (r) =>
      r.IsEgress !== true &&
      r.IpProtocol === permission.IpProtocol &&
      r.FromPort === permission.FromPort &&
      r.ToPort === permission.ToPort &&
      r.ReferencedGroupInfo?.GroupId === referenced,
  );
  const tags = fromSdkTags(twin?.Tags);
  if (twin === undefined || !owned(ctx, tags, after)) {
    throw new NotOwnedError(
      `${addressOf(after)} (rule ${twin?.SecurityGroupRuleId ?? '?'} of ${groupId})`,
      ownershipDetail(tags, ctx.clusterName),
    );
  }
  const before: Resource = {
    ...after,
    id: twin.SecurityGroupRuleId ?? '',
    attributes: { ...a, tags },
  };
  await syncEc2Tags(ctx, before.id ?? '', before, after);
  return { ...after, id: before.id ?? '' };
}

export async function updateIngressRule(
  ctx: ExecContext,
  before: Resource,
  after: Resource,
): Promise<Resource> {
  await syncEc2Tags(ctx, before.id ?? '', before, after);
  return updated(before, after);
}

export const deleteIngressRule = (ctx: ExecContext, before: Resource): Promise<undefined> =>
  ignoreNotFound(async () => {
    try {
      await ctx.api.ec2(
        new RevokeSecurityGroupIngressCommand({
          GroupId: str(before.attributes['security_group_id']),
          SecurityGroupRuleIds: [before.id ?? ''],
        }),
      );
    } catch (e) {
      if (!isCode(e, 'InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound')) throw e;
    }
  });
