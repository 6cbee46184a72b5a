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
} from './observed.js';
import { INGRESS_RULE, LB, LISTENER, SECURITY_GROUP, TARGET_GROUP } from './schemas.js';
import { fromSdkTags } from './tags.js';
import { describeTags, listListeners, listLoadBalancers, listTargetGroups } from './describe.js';
import { spellSubnetsAsDesired } from './network.js';

export { describeTags, DESCRIBE_TAGS_BATCH } from './describe.js';

type Tags = Record<string, string>;

/**
 * Reads (never writes) every resource of one Service, found by ownership tags: this cluster's
 * `kubernetes.io/cluster/<name>: owned` and the Service's UID. Load balancers and target groups
 * are listed page by page and their tags read 20 ARNs per call, because ELBv2 cannot filter by
 * tag; security groups and rules are filtered by tag on the server. A resource that has the
 * name the Service needs but not our tags is a NotOwnedError: lbctl must not create a twin
 * next to it, nor touch it.
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

  const [lbs, tgs] = await Promise.all([listLoadBalancers(api), listTargetGroups(api)]);
  // The load balancer with the name this Service needs is almost always ours: listing its
  // listeners before the tag read lets one DescribeTags batch cover them too (ELBv2 takes any
  // 20 ARNs per call), one read fewer per reconcile. Ownership is still decided by the tags.
  const candidate = lbs.find((l) => l.LoadBalancerName === wantedNames.get(LB_ADDRESS));
  const candidateListeners =
    candidate?.LoadBalancerArn === undefined
      ? undefined
      : await listListeners(api, candidate.LoadBalancerArn);
  const tags = await describeTags(api, [
    ...lbs.map((l) => l.LoadBalancerArn),
    ...tgs.map((t) => t.TargetGroupArn),
    ...(candidateListeners ?? []).map((l) => l.ListenerArn),
  ]);
  const tagsOf = (arn: string | undefined) => tags.get(arn ?? '') ?? {};

  const check: ForeignCheck = { clusterName, service, tagsOf, wanted: wantedNames };
  refuseForeign(
    check,
    LB,
    lbs.map((l) => ({ name: l.LoadBalancerName, arn: l.LoadBalancerArn })),
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

  const ownLbs = lbs.filter(
    (l) =>
      mine(tagsOf(l.LoadBalancerArn)) && nameFromTags(tagsOf(l.LoadBalancerArn), LB) !== undefined,
  );
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

  for (const lb of ownLbs) {
    const lbTags = tagsOf(lb.LoadBalancerArn);
    const known = lb === candidate ? candidateListeners : undefined;
    const [attrs, listeners] = await Promise.all([
      api.elb(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn })),
      known ?? listListeners(api, lb.LoadBalancerArn ?? ''),
    ]);
    const lbResource = observedLoadBalancer(lb, {
      name: nameFromTags(lbTags, LB) ?? 'this',
      tags: lbTags,
      attributes: managedAttributes(attrs.Attributes, LOAD_BALANCER_ATTRIBUTE_DEFAULTS),
      sgIdToAddress,
    });
    out.push(await spellSubnetsAsDesired(api, lbResource, request.desired));
    const listenerTags =
      known === undefined
        ? await describeTags(
            api,
            listeners.map((l) => l.ListenerArn),
          )
        : tags;
    for (const l of listeners) {
      const t = listenerTags.get(l.ListenerArn ?? '') ?? {};
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
  return `it belongs to Service ${tags[SERVICE_NAME_TAG] ?? '?'} with UID ${tags[SERVICE_UID_TAG] ?? '?'}`;
}

/** Two cloud resources claiming one address (a crash between a create and its bookkeeping): the extras get their own address, so the plan deletes them. */
function withUniqueAddresses(
  resources: Resource[],
  wanted: ReadonlyMap<string, string>,
): Resource[] {
  const byAddress = new Map<string, Resource[]>();
  for (const r of resources)
    byAddress.set(addressOf(r), [...(byAddress.get(addressOf(r)) ?? []), r]);
  const out: Resource[] = [];
  for (const [address, group] of byAddress) {
    const keep = group.find((r) => r.attributes['name'] === wanted.get(address)) ?? group[0];
    for (const r of group) {
      if (r === keep) out.push(r);
      else
        out.push({
          ...r,
          name: `${r.name}-duplicate-${(r.id ?? '').slice(-8).replace(/[^a-zA-Z0-9]/g, '')}`,
        });
    }
  }
  return out.sort((a, b) => (addressOf(a) < addressOf(b) ? -1 : 1));
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

async function describeSecurityGroups(api: AwsApi, Filters: Filter[]): Promise<SecurityGroup[]> {
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
