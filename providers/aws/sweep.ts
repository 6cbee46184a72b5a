import {
  DescribeSecurityGroupRulesCommand,
  type Filter,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { OwnedResource } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import {
  clusterTagKey,
  isOwnedBy,
  OWNED,
  SERVICE_NAME_TAG,
  SERVICE_UID_TAG,
} from '../../src/core/tags.js';
import type { AwsApi } from './api.js';
import { LB_ADDRESS, SG_ADDRESS } from './desired.js';
import { describeTags, listListeners, listLoadBalancers, listTargetGroups } from './describe.js';
import { forwardedArns } from './lookup.js';
import { describeSecurityGroups } from './observe.js';
import { loadBalancerName, securityGroupName } from './names.js';
import {
  nameFromTags,
  observedIngressRule,
  observedListener,
  observedLoadBalancer,
  observedSecurityGroup,
  observedTargetGroup,
  withUniqueAddresses,
} from './observed.js';
import { INGRESS_RULE, LB, LISTENER, SECURITY_GROUP, TARGET_GROUP } from './schemas.js';
import { fromSdkTags } from './tags.js';

type Tags = Record<string, string>;

/**
 * The cluster-wide ownership sweep (issue 9): every resource lbctl made for this cluster,
 * found by listing the region once — load balancers and target groups page by page (400 per
 * page), their tags 20 ARNs per DescribeTags, listeners of our load balancers only, security
 * groups and rules by the cluster tag on the server. Reads only; the per-Service observe never
 * lists, this is the one place that does.
 *
 * A resource counts when it carries this cluster's `owned` tag AND lbctl's resource tag: the
 * in-tree provider tags its NLBs with the same cluster key, and those are not lbctl's to
 * delete. Resources come in observe's shape, built from the listings alone (no attribute or
 * target-health reads: the orphan plan only deletes, by ID). Copies of one address (a crash
 * between two creates) get observe's `-duplicate-` names; the copy kept is the one with the
 * deterministic name, or the target group a listener forwards to.
 */
export async function sweepCluster(api: AwsApi, clusterName: string): Promise<OwnedResource[]> {
  const [lbs, tgs, groups, rules] = await Promise.all([
    listLoadBalancers(api),
    listTargetGroups(api),
    securityGroupsOf(api, clusterName),
    ingressRulesOf(api, clusterName),
  ]);
  const tags = await describeTags(api, [
    ...lbs.map((l) => l.LoadBalancerArn),
    ...tgs.map((t) => t.TargetGroupArn),
  ]);
  const tagsOf = (arn: string | undefined) => tags.get(arn ?? '') ?? {};
  const ours = (t: Tags) => isOwnedBy(t, clusterName) && t[SERVICE_UID_TAG] !== undefined;
  const ownLbs = lbs.filter(
    (l) => ours(tagsOf(l.LoadBalancerArn)) && nameFromTags(tagsOf(l.LoadBalancerArn), LB),
  );
  const listenersByLb = await Promise.all(
    ownLbs.map((l) => listListeners(api, l.LoadBalancerArn ?? '')),
  );
  const listenerTags = await describeTags(
    api,
    listenersByLb.flat().map((l) => l.ListenerArn),
  );

  const out = new Collector();
  const sgIdToAddress = new Map<string, string>();
  for (const g of groups) {
    const t = fromSdkTags(g.Tags);
    const name = nameFromTags(t, SECURITY_GROUP);
    if (name === undefined || !ours(t)) continue;
    const r = observedSecurityGroup(g, name, t);
    sgIdToAddress.set(r.id ?? '', addressOf(r));
    out.add(t, r);
  }
  const tgArnToAddress = new Map<string, string>();
  for (const tg of tgs) {
    const t = tagsOf(tg.TargetGroupArn);
    const name = nameFromTags(t, TARGET_GROUP);
    if (name === undefined || !ours(t)) continue;
    const r = observedTargetGroup(tg, { name, tags: t, attributes: {}, targets: [] });
    tgArnToAddress.set(r.id ?? '', addressOf(r));
    out.add(t, r);
  }
  for (const [i, lb] of ownLbs.entries()) {
    const t = tagsOf(lb.LoadBalancerArn);
    const r = observedLoadBalancer(lb, {
      name: nameFromTags(t, LB) ?? 'this',
      tags: t,
      attributes: {},
      sgIdToAddress,
    });
    out.add(t, r);
    const listeners = listenersByLb[i] ?? [];
    for (const arn of forwardedArns(listeners)) out.attached.add(arn);
    for (const l of listeners) {
      const lt = listenerTags.get(l.ListenerArn ?? '') ?? {};
      const name = nameFromTags(lt, LISTENER);
      if (name === undefined || !ours(lt)) continue;
      out.add(lt, observedListener(l, { name, tags: lt, lbAddress: addressOf(r), tgArnToAddress }));
    }
  }
  for (const rule of rules) {
    const t = fromSdkTags(rule.Tags);
    const name = nameFromTags(t, INGRESS_RULE);
    if (name === undefined || !ours(t)) continue;
    out.add(t, observedIngressRule(rule, name, t, sgIdToAddress));
  }
  return out.result();
}

/** Swept resources grouped by Service, so that each Service's copies of one address are told apart as observe does. */
class Collector {
  readonly attached = new Set<string>();
  private readonly byUid = new Map<string, { service: ServiceIdentity; resources: Resource[] }>();

  add(tags: Tags, resource: Resource): void {
    const uid = tags[SERVICE_UID_TAG] ?? '';
    const [namespace = '', ...rest] = (tags[SERVICE_NAME_TAG] ?? '').split('/');
    const entry = this.byUid.get(uid) ?? {
      service: { namespace, name: rest.join('/'), uid },
      resources: [],
    };
    entry.resources.push(resource);
    this.byUid.set(uid, entry);
  }

  result(): OwnedResource[] {
    const out: OwnedResource[] = [];
    for (const { service, resources } of this.byUid.values()) {
      const wanted = new Map([
        [LB_ADDRESS, loadBalancerName(service)],
        [SG_ADDRESS, securityGroupName(service)],
      ]);
      for (const r of resources)
        if (r.type === TARGET_GROUP && this.attached.has(r.id ?? ''))
          wanted.set(addressOf(r), String(r.attributes['name']));
      for (const resource of withUniqueAddresses(resources, wanted))
        out.push({ resource, service });
    }
    return out;
  }
}

const clusterFilter = (clusterName: string): Filter[] => [
  { Name: `tag:${clusterTagKey(clusterName)}`, Values: [OWNED] },
];

const securityGroupsOf = (api: AwsApi, clusterName: string): Promise<SecurityGroup[]> =>
  describeSecurityGroups(api, clusterFilter(clusterName));

async function ingressRulesOf(api: AwsApi, clusterName: string): Promise<SecurityGroupRule[]> {
  const out: SecurityGroupRule[] = [];
  let token: string | undefined;
  do {
    const page = await api.ec2(
      new DescribeSecurityGroupRulesCommand({
        Filters: clusterFilter(clusterName),
        MaxResults: 1000,
        ...(token === undefined ? {} : { NextToken: token }),
      }),
    );
    out.push(...(page.SecurityGroupRules ?? []).filter((r) => r.IsEgress !== true));
    token = page.NextToken;
  } while (token !== undefined && token !== '');
  return out;
}
