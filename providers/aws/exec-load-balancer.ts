import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  ModifyListenerCommand,
  ModifyLoadBalancerAttributesCommand,
  SetIpAddressTypeCommand,
  type IpAddressType,
  type LoadBalancer,
  type LoadBalancerSchemeEnum,
  type ProtocolEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isLbctlError, NotOwnedError } from '../../src/core/errors.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import { isOwnedBy, SERVICE_UID_TAG } from '../../src/core/tags.js';
import { SG_ADDRESS } from './desired.js';
import {
  idOf,
  ignoreNotFound,
  isCode,
  num,
  same,
  str,
  strings,
  stringRecord,
  syncElbTags,
  updated,
  type ExecContext,
} from './exec-common.js';
import { describeTags, ownershipDetail } from './observe.js';
import {
  LOAD_BALANCER_ATTRIBUTE_DEFAULTS,
  managedAttributes,
  observedListener,
  observedLoadBalancer,
} from './observed.js';
import { toSdkTags } from './tags.js';

const mine = (ctx: ExecContext, tags: Record<string, string>, after: Resource) =>
  isOwnedBy(tags, ctx.clusterName) &&
  tags[SERVICE_UID_TAG] === stringRecord(after.attributes['tags'])[SERVICE_UID_TAG];

export async function createLoadBalancer(ctx: ExecContext, after: Resource): Promise<Resource> {
  const a = after.attributes;
  const address = addressOf(after);
  const scheme = str(a['scheme']);
  const subnets = await ctx.network.subnets(
    scheme,
    a['subnets'] === undefined ? undefined : strings(a['subnets']),
  );
  const eips = strings(a['eip_allocations']);
  const groups =
    a['security_group'] === undefined || a['security_group'] === null
      ? []
      : [idOf(ctx, a['security_group'], address)];
  const name = str(a['name']);
  const lookup = async () => {
    const found = await ctx.api
      .elb(new DescribeLoadBalancersCommand({ Names: [name] }))
      .catch((e: unknown) => {
        if (isLbctlError(e) && e.kind === 'not-found') return { LoadBalancers: [] };
        throw e;
      });
    return found.LoadBalancers?.[0] === undefined ? undefined : adoptLoadBalancer(ctx, after);
  };
  // moto, unlike AWS, answers a second create of the same name with a second load balancer:
  // look first, so that a create repeated after a lost answer adopts instead of duplicating.
  const existing = await lookup();
  if (existing !== undefined) return existing;
  let lb: LoadBalancer | undefined;
  try {
    const result = await ctx.api.elbCreate(
      new CreateLoadBalancerCommand({
        Name: name,
        Type: 'network',
        Scheme: scheme as LoadBalancerSchemeEnum,
        IpAddressType: str(a['ip_address_type']) as IpAddressType,
        SecurityGroups: groups,
        ...(eips.length > 0
          ? { SubnetMappings: subnets.map((SubnetId, i) => ({ SubnetId, AllocationId: eips[i] })) }
          : { Subnets: subnets }),
        Tags: toSdkTags(stringRecord(a['tags'])),
      }),
      { lookup, created: (out): Resource | LoadBalancer | undefined => out.LoadBalancers?.[0] },
    );
    if (result !== undefined && 'attributes' in result) return result;
    lb = result;
  } catch (e) {
    // A load balancer of this name with other settings exists: ours from an earlier attempt is adopted.
    if (isCode(e, 'DuplicateLoadBalancerName')) return adoptLoadBalancer(ctx, after);
    throw e;
  }
  const result: Resource = {
    ...after,
    id: lb?.LoadBalancerArn ?? '',
    attributes: {
      ...a,
      subnets: subnets.sort(),
      dns_name: lb?.DNSName ?? '',
      zone_id: lb?.CanonicalHostedZoneId ?? '',
    },
  };
  const attrs = stringRecord(a['attributes']);
  // A new NLB has AWS's defaults: write only what differs.
  await modifyAttributes(ctx, result.id ?? '', LOAD_BALANCER_ATTRIBUTE_DEFAULTS, attrs);
  return result;
}

async function adoptLoadBalancer(ctx: ExecContext, after: Resource): Promise<Resource> {
  const found = await ctx.api.elb(
    new DescribeLoadBalancersCommand({ Names: [str(after.attributes['name'])] }),
  );
  const lb = found.LoadBalancers?.[0];
  const arn = lb?.LoadBalancerArn ?? '';
  const tags = (await describeTags(ctx.api, [arn])).get(arn) ?? {};
  if (lb === undefined || !mine(ctx, tags, after)) {
    throw new NotOwnedError(
      `${addressOf(after)} (load balancer "${str(after.attributes['name'])}", ${arn})`,
      ownershipDetail(tags, ctx.clusterName),
    );
  }
  const sgId = ctx.state.get(SG_ADDRESS)?.id;
  const attrs = await ctx.api.elb(
    new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }),
  );
  const before = observedLoadBalancer(lb, {
    name: after.name,
    tags,
    attributes: managedAttributes(attrs.Attributes, LOAD_BALANCER_ATTRIBUTE_DEFAULTS),
    sgIdToAddress: new Map(sgId === undefined ? [] : [[sgId, SG_ADDRESS]]),
  });
  return updateLoadBalancer(ctx, before, after);
}

export async function updateLoadBalancer(
  ctx: ExecContext,
  before: Resource,
  after: Resource,
): Promise<Resource> {
  const arn = before.id ?? '';
  const b = before.attributes;
  const a = after.attributes;
  if (!same(b['ip_address_type'], a['ip_address_type'])) {
    await ctx.api.elb(
      new SetIpAddressTypeCommand({
        LoadBalancerArn: arn,
        IpAddressType: str(a['ip_address_type']) as IpAddressType,
      }),
    );
  }
  if (!same(b['attributes'], a['attributes'])) {
    await modifyAttributes(ctx, arn, stringRecord(b['attributes']), stringRecord(a['attributes']));
  }
  await syncElbTags(ctx, arn, before, after);
  return updated(before, after);
}

async function modifyAttributes(
  ctx: ExecContext,
  arn: string,
  before: Record<string, string>,
  after: Record<string, string>,
): Promise<void> {
  const changed = Object.entries(after).filter(([k, v]) => before[k] !== v);
  if (changed.length === 0) return;
  await ctx.api.elb(
    new ModifyLoadBalancerAttributesCommand({
      LoadBalancerArn: arn,
      Attributes: changed.map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

export const deleteLoadBalancer = (ctx: ExecContext, before: Resource): Promise<undefined> =>
  ignoreNotFound(() => ctx.api.elb(new DeleteLoadBalancerCommand({ LoadBalancerArn: before.id })));

export async function createListener(ctx: ExecContext, after: Resource): Promise<Resource> {
  const a = after.attributes;
  const address = addressOf(after);
  const lbArn = idOf(ctx, a['load_balancer'], address);
  const tgArn = idOf(ctx, a['default_target_group'], address);
  const port = num(a['port']);
  const findOnPort = async () =>
    (
      (await ctx.api.elb(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners ?? []
    ).find((l) => l.Port === port);
  // As for load balancers: moto adds a second listener on a taken port, so look first.
  if ((await findOnPort()) !== undefined) return adoptListener(ctx, after, lbArn, tgArn);
  try {
    return await ctx.api.elbCreate(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: str(a['protocol']) as ProtocolEnum,
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
        Tags: toSdkTags(stringRecord(a['tags'])),
      }),
      {
        lookup: async () =>
          (await findOnPort()) === undefined ? undefined : adoptListener(ctx, after, lbArn, tgArn),
        created: (out): Resource => ({ ...after, id: out.Listeners?.[0]?.ListenerArn ?? '' }),
      },
    );
  } catch (e) {
    if (!isCode(e, 'DuplicateListener')) throw e;
  }
  return adoptListener(ctx, after, lbArn, tgArn);
}

/** The port is taken: by our listener from an earlier attempt (adopt it), or by someone else's. */
async function adoptListener(
  ctx: ExecContext,
  after: Resource,
  lbArn: string,
  tgArn: string,
): Promise<Resource> {
  const a = after.attributes;
  const address = addressOf(after);
  const listeners =
    (await ctx.api.elb(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners ?? [];
  const twin = listeners.find((l) => l.Port === num(a['port']));
  const arn = twin?.ListenerArn ?? '';
  const tags = (await describeTags(ctx.api, [arn])).get(arn) ?? {};
  if (twin === undefined || !mine(ctx, tags, after)) {
    throw new NotOwnedError(
      `${address} (listener on port ${num(a['port'])}, ${arn})`,
      ownershipDetail(tags, ctx.clusterName),
    );
  }
  const before = observedListener(twin, {
    name: after.name,
    tags,
    lbAddress: str(a['load_balancer']),
    tgArnToAddress: new Map([[tgArn, str(a['default_target_group'])]]),
  });
  return updateListener(ctx, before, after);
}

export async function updateListener(
  ctx: ExecContext,
  before: Resource,
  after: Resource,
): Promise<Resource> {
  const arn = before.id ?? '';
  const b = before.attributes;
  const a = after.attributes;
  if (
    !same(b['port'], a['port']) ||
    !same(b['protocol'], a['protocol']) ||
    !same(b['default_target_group'], a['default_target_group'])
  ) {
    await ctx.api.elb(
      new ModifyListenerCommand({
        ListenerArn: arn,
        Port: num(a['port']),
        Protocol: str(a['protocol']) as ProtocolEnum,
        DefaultActions: [
          {
            Type: 'forward',
            TargetGroupArn: idOf(ctx, a['default_target_group'], addressOf(after)),
          },
        ],
      }),
    );
  }
  await syncElbTags(ctx, arn, before, after);
  return updated(before, after);
}

export const deleteListener = (ctx: ExecContext, before: Resource): Promise<undefined> =>
  ignoreNotFound(() => ctx.api.elb(new DeleteListenerCommand({ ListenerArn: before.id })));
