import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type Filter,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancerAttributesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { NotOwnedError } from '../../src/core/errors.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { ObserveRequest } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import {
  clusterTagKey,
  isOwnedBy,
  OWNED,
  RESOURCE_TAG,
  SERVICE_NAME_TAG,
  SERVICE_UID_TAG,
} from '../../src/core/tags.js';
import type { AwsApi } from './api.js';
import { LB_ADDRESS } from './desired.js';
import { loadBalancerName, securityGroupName } from './names.js';
import {
  LOAD_BALANCER_ATTRIBUTE_DEFAULTS,
  managedAttributes,
  nameFromTags,
  observedIngressRule,
  observedListener,
  observedLoadBalancer,
  observedSecurityGroup,
  observedTargetGroup,
  TARGET_GROUP_ATTRIBUTE_DEFAULTS,
  withUniqueAddresses,
} from './observed.js';
import { INGRESS_RULE, LB, LISTENER, SECURITY_GROUP, TARGET_GROUP } from './schemas.js';
import { fromSdkTags } from './tags.js';
import { describeTags, listListeners } from './describe.js';
import { loadBalancerByName, targetGroupsByName, targetGroupsOfLoadBalancer } from './lookup.js';
import { spellSubnetsAsDesired } from './network.js';

export { describeTags, DESCRIBE_TAGS_BATCH } from './describe.js';

type Tags = Record<string, string>;

/**
 * Reads (never writes) every resource of one Service, at a cost that depends on that Service
 * only (issue 9): the NLB by its deterministic name; its listeners and the target groups
 * attached to it by its ARN (a renamed or removed port's group included); desired target group
 * names no attached group has by name (a new port, a create, a group created before a crash
 * but never attached); tags only of the ARNs found, 20 per DescribeTags; security groups and
 * rules by tag filters on the server.
 * What no look-up reaches (a group left unattached under an old name) is the sweep's job.
 * A resource that has the name the Service needs but not our tags is a NotOwnedError: lbctl
 * must not create a twin next to it, nor touch it.
 */
export async function observeService(
  api: AwsApi,
  clusterName: string,
  request: ObserveRequest,
): Promise<Resource[]> {
  const { service } = request;
  const mine = (tags: Tags) =>
    isOwnedBy(tags, clusterName) && tags[SERVICE_UID_TAG] === service.uid;
  const wantedNames = desiredNames(request);
  const tgNames = [...wantedNames]
    .filter(([address]) => address.startsWith(`${TARGET_GROUP}.`))
    .map(([, name]) => name);

  const lb = await loadBalancerByName(
    api,
    wantedNames.get(LB_ADDRESS) ?? loadBalancerName(service),
  );
  const lbArn = lb?.LoadBalancerArn;
  // Listeners and the groups attached to the NLB in one round; only desired names no attached
  // group has (a new port, a create, a group created before a crash) are asked by name.
  const [listeners, attached] =
    lbArn === undefined
      ? [[], []]
      : await Promise.all([listListeners(api, lbArn), targetGroupsOfLoadBalancer(api, lbArn)]);
  const attachedNames = new Set(attached.map((t) => t.TargetGroupName));
  const byName = await targetGroupsByName(
    api,
    tgNames.filter((n) => !attachedNames.has(n)),
  );
  const seen = new Set(attached.map((t) => t.TargetGroupArn));
  const tgs = [...attached, ...byName.filter((t) => !seen.has(t.TargetGroupArn))];
  const tags = await describeTags(api, [
    lb?.LoadBalancerArn,
    ...tgs.map((t) => t.TargetGroupArn),
    ...listeners.map((l) => l.ListenerArn),
  ]);
  const tagsOf = (arn: string | undefined) => tags.get(arn ?? '') ?? {};

  const check: ForeignCheck = { clusterName, service, tagsOf, wanted: wantedNames };
  refuseForeign(
    check,
    LB,
    lb === undefined ? [] : [{ name: lb.LoadBalancerName, arn: lb.LoadBalancerArn }],
  );
  refuseForeign(
    check,
    TARGET_GROUP,
    tgs.map((t) => ({ name: t.TargetGroupName, arn: t.TargetGroupArn })),
  );

  const groups = await securityGroups(api, clusterName, service, wantedNames);
  const sgIdToAddress = new Map<string, string>();
  const out: Resource[] = [];
  for (const g of groups) {
    const t = fromSdkTags(g.Tags);
    const name = nameFromTags(t, SECURITY_GROUP);
    if (name === undefined) continue;
    const r = observedSecurityGroup(g, name, t);
    sgIdToAddress.set(r.id ?? '', addressOf(r));
    out.push(r);
  }

  const ownTgs = tgs.filter(
    (t) =>
      mine(tagsOf(t.TargetGroupArn)) &&
      nameFromTags(tagsOf(t.TargetGroupArn), TARGET_GROUP) !== undefined,
  );
  const tgArnToAddress = new Map<string, string>();
  const tgResources = await Promise.all(
    ownTgs.map((tg) => observeTargetGroup(api, tg, tagsOf(tg.TargetGroupArn))),
  );
  for (const r of tgResources) tgArnToAddress.set(r.id ?? '', addressOf(r));
  out.push(...tgResources);

  const lbTags = tagsOf(lb?.LoadBalancerArn);
  const lbName = nameFromTags(lbTags, LB);
  if (lb !== undefined && lb.Type === 'network' && mine(lbTags) && lbName !== undefined) {
    const attrs = await api.elb(
      new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn }),
    );
    const lbResource = observedLoadBalancer(lb, {
      name: lbName,
      tags: lbTags,
      attributes: managedAttributes(attrs.Attributes, LOAD_BALANCER_ATTRIBUTE_DEFAULTS),
      sgIdToAddress,
    });
    out.push(await spellSubnetsAsDesired(api, lbResource, request.desired));
    for (const l of listeners) {
      const t = tagsOf(l.ListenerArn);
      const name = nameFromTags(t, LISTENER);
      // A listener on our load balancer without our tags was added by hand: left alone, and the
      // planner's create of the same port will fail with AWS's DuplicateListener, which says so.
      if (name === undefined || !mine(t)) continue;
      out.push(
        observedListener(l, { name, tags: t, lbAddress: addressOf(lbResource), tgArnToAddress }),
      );
    }
  }

  for (const rule of await ingressRules(api, clusterName, service)) {
    const t = fromSdkTags(rule.Tags);
    const name = nameFromTags(t, INGRESS_RULE);
    if (name !== undefined) out.push(observedIngressRule(rule, name, t, sgIdToAddress));
  }
  return withUniqueAddresses(out, wantedNames);
}

export async function observeTargetGroup(
  api: AwsApi,
  tg: TargetGroup,
  tags: Tags,
): Promise<Resource> {
  const [attrs, health] = await Promise.all([
    api.elb(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn })),
    api.elb(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn })),
  ]);
  return observedTargetGroup(tg, {
    name: nameFromTags(tags, TARGET_GROUP) ?? '',
    tags,
    attributes: managedAttributes(attrs.Attributes, TARGET_GROUP_ATTRIBUTE_DEFAULTS),
    targets: (health.TargetHealthDescriptions ?? []).flatMap((d) =>
      d.Target === undefined ? [] : [d.Target],
    ),
  });
}

/** Names the Service's resources would have, by address (desired graph, or derived from the UID on delete). */
function desiredNames(request: ObserveRequest): Map<string, string> {
  const names = new Map<string, string>();
  for (const r of request.desired) {
    const name = r.attributes['name'];
    if (typeof name === 'string') names.set(addressOf(r), name);
  }
  if (!names.has(LB_ADDRESS)) names.set(LB_ADDRESS, loadBalancerName(request.service));
  return names;
}

/** What deciding "is this same-named resource ours?" needs: whose it must be, its tags, and the names wanted by address. */
interface ForeignCheck {
  clusterName: string;
  service: ServiceIdentity;
  tagsOf: (arn: string | undefined) => Tags;
  wanted: ReadonlyMap<string, string>;
}

function refuseForeign(
  { clusterName, service, tagsOf, wanted }: ForeignCheck,
  type: string,
  found: readonly { name: string | undefined; arn: string | undefined }[],
): void {
  for (const [address, name] of wanted) {
    if (!address.startsWith(`${type}.`)) continue;
    const twin = found.find((f) => f.name === name);
    if (twin === undefined) continue;
    const t = tagsOf(twin.arn);
    if (isOwnedBy(t, clusterName) && t[SERVICE_UID_TAG] === service.uid) continue;
    throw new NotOwnedError(
      `${address} (${type === LB ? 'load balancer' : 'target group'} "${name}", ${twin.arn ?? ''})`,
      ownershipDetail(t, clusterName),
    );
  }
}

export function ownershipDetail(tags: Tags, clusterName: string): string {
  if (!isOwnedBy(tags, clusterName)) return `it has no tag ${clusterTagKey(clusterName)}=${OWNED}`;
  // The in-tree provider tags the cluster and the Service's name, never a UID or an address.
  if (tags[SERVICE_UID_TAG] === undefined && tags[RESOURCE_TAG] === undefined)
    return `it was made by the in-tree AWS provider (cloud-controller-manager) for Service ${tags[SERVICE_NAME_TAG] ?? '?'}: take it over with lbctl plan/apply --adopt (docs/migrating.md) or delete it first`;
  return `it belongs to Service ${tags[SERVICE_NAME_TAG] ?? '?'} with UID ${tags[SERVICE_UID_TAG] ?? '?'}`;
}

const ownerFilters = (clusterName: string, service: ServiceIdentity): Filter[] => [
  { Name: `tag:${clusterTagKey(clusterName)}`, Values: [OWNED] },
  { Name: `tag:${SERVICE_UID_TAG}`, Values: [service.uid] },
];

/** Our groups by tag; when none is found, also the group by the name we would give it, to refuse a foreign twin. */
async function securityGroups(
  api: AwsApi,
  clusterName: string,
  service: ServiceIdentity,
  wanted: ReadonlyMap<string, string>,
): Promise<SecurityGroup[]> {
  const own = await describeSecurityGroups(api, ownerFilters(clusterName, service));
  const name = wanted.get(`${SECURITY_GROUP}.this`) ?? securityGroupName(service);
  if (own.some((g) => g.GroupName === name)) return own;
  for (const twin of await describeSecurityGroups(api, [{ Name: 'group-name', Values: [name] }])) {
    const t = fromSdkTags(twin.Tags);
    if (!(isOwnedBy(t, clusterName) && t[SERVICE_UID_TAG] === service.uid)) {
      throw new NotOwnedError(
        `${SECURITY_GROUP}.this (security group "${name}", ${twin.GroupId ?? ''})`,
        ownershipDetail(t, clusterName),
      );
    }
  }
  return own;
}

/** Every security group matching the filters, all pages (observe and the sweep). */
export async function describeSecurityGroups(
  api: AwsApi,
  Filters: Filter[],
): Promise<SecurityGroup[]> {
  const out: SecurityGroup[] = [];
  let token: string | undefined;
  do {
    const page = await api.ec2(
      new DescribeSecurityGroupsCommand({
        Filters,
        MaxResults: 1000,
        ...(token === undefined ? {} : { NextToken: token }),
      }),
    );
    out.push(...(page.SecurityGroups ?? []));
    token = page.NextToken;
  } while (token !== undefined && token !== '');
  return out;
}

async function ingressRules(
  api: AwsApi,
  clusterName: string,
  service: ServiceIdentity,
): Promise<SecurityGroupRule[]> {
  const out: SecurityGroupRule[] = [];
  let token: string | undefined;
  do {
    const page = await api.ec2(
      new DescribeSecurityGroupRulesCommand({
        Filters: ownerFilters(clusterName, service),
        MaxResults: 1000,
        ...(token === undefined ? {} : { NextToken: token }),
      }),
    );
    out.push(...(page.SecurityGroupRules ?? []).filter((r) => r.IsEgress !== true));
    token = page.NextToken;
  } while (token !== undefined && token !== '');
  return out;
}
