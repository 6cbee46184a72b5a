import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsApi } from './api.js';
import { isCode } from './exec-common.js';

/**
 * By-name and by-reference ELBv2 look-ups: what one Service's observe costs depends on that
 * Service only (its name, its ports), never on how many other load balancers the account holds.
 */

/** DescribeLoadBalancers takes at most 20 names; target groups are asked in batches of the same size. */
export const NAMES_BATCH = 20;

/** The load balancer of this name, or undefined: AWS answers an unknown name with LoadBalancerNotFound. */
export async function loadBalancerByName(
  api: AwsApi,
  name: string,
): Promise<LoadBalancer | undefined> {
  try {
    const out = await api.elb(new DescribeLoadBalancersCommand({ Names: [name] }));
    return out.LoadBalancers?.[0];
  } catch (e) {
    if (isCode(e, 'LoadBalancerNotFound')) return undefined;
    throw e;
  }
}

/**
 * The target groups that exist among `names`. One call per 20 names; AWS fails the whole call
 * with TargetGroupNotFound when any one name is unknown ("One or more target groups not
 * found"), so such a batch is asked again name by name — only when a port is new or the
 * Service is being created, never in a no-op reconcile.
 */
export async function targetGroupsByName(
  api: AwsApi,
  names: readonly string[],
): Promise<TargetGroup[]> {
  const unique = [...new Set(names)];
  const batches: string[][] = [];
  for (let i = 0; i < unique.length; i += NAMES_BATCH)
    batches.push(unique.slice(i, i + NAMES_BATCH));
  const found = await Promise.all(
    batches.map(async (batch) => {
      const all = await describeNames(api, batch);
      if (all !== undefined || batch.length === 1) return all ?? [];
      const one = await Promise.all(batch.map((n) => describeNames(api, [n])));
      return one.flatMap((tgs) => tgs ?? []);
    }),
  );
  return found.flat();
}

/** undefined when at least one of the names does not exist. */
async function describeNames(api: AwsApi, Names: string[]): Promise<TargetGroup[] | undefined> {
  try {
    return (await api.elb(new DescribeTargetGroupsCommand({ Names }))).TargetGroups ?? [];
  } catch (e) {
    if (isCode(e, 'TargetGroupNotFound')) return undefined;
    throw e;
  }
}

/** Target group ARNs a listener forwards to (default action, simple or weighted). */
export function forwardedArns(listeners: readonly Listener[]): string[] {
  const out = new Set<string>();
  for (const l of listeners) {
    for (const a of l.DefaultActions ?? []) {
      if (a.TargetGroupArn !== undefined) out.add(a.TargetGroupArn);
      for (const t of a.ForwardConfig?.TargetGroups ?? [])
        if (t.TargetGroupArn !== undefined) out.add(t.TargetGroupArn);
    }
  }
  return [...out];
}

/** Every target group attached to one load balancer (DescribeTargetGroups by LoadBalancerArn, paged). */
export async function targetGroupsOfLoadBalancer(
  api: AwsApi,
  loadBalancerArn: string,
): Promise<TargetGroup[]> {
  const out: TargetGroup[] = [];
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await api.elb(
        new DescribeTargetGroupsCommand({
          LoadBalancerArn: loadBalancerArn,
          PageSize: 400,
          ...(marker === undefined ? {} : { Marker: marker }),
        }),
      );
    } catch (e) {
      // moto answers a load balancer without target groups with TargetGroupNotFound.
      if (isCode(e, 'TargetGroupNotFound')) return out;
      throw e;
    }
    out.push(...(page.TargetGroups ?? []));
    marker = page.NextMarker;
  } while (marker !== undefined && marker !== '');
  return out;
}
