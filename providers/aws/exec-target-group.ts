import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
  type ProtocolEnum,
  type TargetTypeEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { NotOwnedError } from '../../src/core/errors.js';
import { addressOf, type Resource, type Value } from '../../src/core/resource.js';
import { isOwnedBy, SERVICE_UID_TAG } from '../../src/core/tags.js';
import {
  chunks,
  delta,
  ignoreNotFound,
  isCode,
  num,
  record,
  same,
  str,
  stringRecord,
  syncElbTags,
  updated,
  type ExecContext,
} from './exec-common.js';
import { describeTags, observeTargetGroup, ownershipDetail } from './observe.js';
import { TARGET_GROUP_ATTRIBUTE_DEFAULTS } from './observed.js';
import { toSdkTags } from './tags.js';
import { parseTargetMember } from './targets.js';

/** RegisterTargets and DeregisterTargets take at most this many targets per call (lbctl's batch; AWS documents no lower limit). */
export const TARGET_BATCH = 100;

function healthCheckInput(hc: Record<string, Value>) {
  return {
    HealthCheckEnabled: true,
    HealthCheckProtocol: str(hc['protocol']) as ProtocolEnum,
    HealthCheckPort: String(num(hc['port'])),
    ...(hc['path'] === undefined ? {} : { HealthCheckPath: str(hc['path']) }),
    HealthCheckIntervalSeconds: num(hc['interval_seconds']),
    HealthCheckTimeoutSeconds: num(hc['timeout_seconds']),
    HealthyThresholdCount: num(hc['healthy_threshold']),
    UnhealthyThresholdCount: num(hc['unhealthy_threshold']),
  };
}

export async function createTargetGroup(ctx: ExecContext, after: Resource): Promise<Resource> {
  const a = after.attributes;
  const vpcId = a['vpc_id'] === undefined ? await ctx.network.vpcId() : str(a['vpc_id']);
  let arn: string;
  try {
    const out = await ctx.api.elb(
      new CreateTargetGroupCommand({
        Name: str(a['name']),
        Protocol: str(a['protocol']) as ProtocolEnum,
        Port: num(a['port']),
        VpcId: vpcId,
        TargetType: str(a['target_type']) as TargetTypeEnum,
        ...healthCheckInput(record(a['health_check'])),
        Tags: toSdkTags(stringRecord(a['tags'])),
      }),
    );
    arn = out.TargetGroups?.[0]?.TargetGroupArn ?? '';
  } catch (e) {
    // AWS answers an identical create with the existing group; a different one is a duplicate name.
    if (isCode(e, 'DuplicateTargetGroupName')) return adoptTargetGroup(ctx, after);
    throw e;
  }
  // A new group has AWS's default attributes and no targets: write only the difference.
  const created: Resource = {
    ...after,
    id: arn,
    attributes: {
      ...a,
      vpc_id: vpcId,
      attributes: { ...TARGET_GROUP_ATTRIBUTE_DEFAULTS },
      targets: [],
    },
  };
  return updateTargetGroup(
    ctx,
    created,
    { ...after, attributes: { ...a, vpc_id: vpcId } },
    { tags: false, healthCheck: false },
  );
}

async function adoptTargetGroup(ctx: ExecContext, after: Resource): Promise<Resource> {
  const name = str(after.attributes['name']);
  const tg = (await ctx.api.elb(new DescribeTargetGroupsCommand({ Names: [name] })))
    .TargetGroups?.[0];
  const arn = tg?.TargetGroupArn ?? '';
  const tags = (await describeTags(ctx.api, [arn])).get(arn) ?? {};
  const uid = stringRecord(after.attributes['tags'])[SERVICE_UID_TAG];
  if (tg === undefined || !isOwnedBy(tags, ctx.clusterName) || tags[SERVICE_UID_TAG] !== uid) {
    throw new NotOwnedError(
      `${addressOf(after)} (target group "${name}", ${arn})`,
      ownershipDetail(tags, ctx.clusterName),
    );
  }
  const before = await observeTargetGroup(ctx.api, tg, tags);
  return updateTargetGroup(ctx, before, {
    ...after,
    attributes: { ...after.attributes, vpc_id: tg.VpcId ?? '' },
  });
}

/**
 * Health check, attributes, tags and targets, each written only when it differs; targets by
 * delta, at most TARGET_BATCH per call.
 */
export async function updateTargetGroup(
  ctx: ExecContext,
  before: Resource,
  after: Resource,
  write: { tags: boolean; healthCheck: boolean } = { tags: true, healthCheck: true },
): Promise<Resource> {
  const arn = before.id ?? '';
  const b = before.attributes;
  const a = after.attributes;
  if (write.healthCheck && !same(b['health_check'], a['health_check'])) {
    await ctx.api.elb(
      new ModifyTargetGroupCommand({
        TargetGroupArn: arn,
        ...healthCheckInput(record(a['health_check'])),
      }),
    );
  }
  const attrsBefore = stringRecord(b['attributes']);
  const attrsAfter = stringRecord(a['attributes']);
  const changed = Object.entries(attrsAfter).filter(([k, v]) => attrsBefore[k] !== v);
  if (changed.length > 0) {
    await ctx.api.elb(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: arn,
        Attributes: changed.map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  }
  const { add, remove } = delta(b['targets'], a['targets']);
  for (const batch of chunks(remove, TARGET_BATCH)) {
    await ctx.api.elb(
      new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: batch.map(toTarget) }),
    );
  }
  for (const batch of chunks(add, TARGET_BATCH)) {
    await ctx.api.elb(
      new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: batch.map(toTarget) }),
    );
  }
  if (write.tags) await syncElbTags(ctx, arn, before, after);
  return updated(before, after);
}

const toTarget = (member: string) => {
  const { id, port } = parseTargetMember(member);
  return { Id: id, Port: port };
};

export async function deleteTargetGroup(ctx: ExecContext, before: Resource): Promise<undefined> {
  try {
    return await ignoreNotFound(() =>
      ctx.api.elb(new DeleteTargetGroupCommand({ TargetGroupArn: before.id })),
    );
  } catch (e) {
    if (isCode(e, 'TargetGroupNotFound')) return undefined;
    throw e;
  }
}
