import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsApi } from './api.js';
import { fromSdkTags } from './tags.js';

/** Paginated ELBv2 listings and batched tag reads, shared by observe and execute. */

/** DescribeTags takes at most 20 resource ARNs per call. */
export const DESCRIBE_TAGS_BATCH = 20;
const PAGE_SIZE = 400;

type Tags = Record<string, string>;

export async function listLoadBalancers(api: AwsApi): Promise<LoadBalancer[]> {
  const out: LoadBalancer[] = [];
  let marker: string | undefined;
  do {
    const page = await api.elb(
      new DescribeLoadBalancersCommand({
        PageSize: PAGE_SIZE,
        ...(marker === undefined ? {} : { Marker: marker }),
      }),
    );
    out.push(...(page.LoadBalancers ?? []).filter((l) => l.Type === 'network'));
    marker = page.NextMarker;
  } while (marker !== undefined && marker !== '');
  return out;
}

export async function listTargetGroups(api: AwsApi): Promise<TargetGroup[]> {
  const out: TargetGroup[] = [];
  let marker: string | undefined;
  do {
    const page = await api.elb(
      new DescribeTargetGroupsCommand({
        PageSize: PAGE_SIZE,
        ...(marker === undefined ? {} : { Marker: marker }),
      }),
    );
    out.push(...(page.TargetGroups ?? []));
    marker = page.NextMarker;
  } while (marker !== undefined && marker !== '');
  return out;
}

export async function listListeners(api: AwsApi, loadBalancerArn: string): Promise<Listener[]> {
  const out: Listener[] = [];
  let marker: string | undefined;
  do {
    const page = await api.elb(
      new DescribeListenersCommand({
        LoadBalancerArn: loadBalancerArn,
        PageSize: PAGE_SIZE,
        ...(marker === undefined ? {} : { Marker: marker }),
      }),
    );
    out.push(...(page.Listeners ?? []));
    marker = page.NextMarker;
  } while (marker !== undefined && marker !== '');
  return out;
}

/** Tags of many ELBv2 resources, 20 ARNs per DescribeTags call (the API's maximum). */
export async function describeTags(
  api: AwsApi,
  arns: readonly (string | undefined)[],
): Promise<Map<string, Tags>> {
  const list = [...new Set(arns.filter((a): a is string => a !== undefined && a !== ''))];
  const out = new Map<string, Tags>();
  const batches: string[][] = [];
  for (let i = 0; i < list.length; i += DESCRIBE_TAGS_BATCH)
    batches.push(list.slice(i, i + DESCRIBE_TAGS_BATCH));
  const answers = await Promise.all(
    batches.map((ResourceArns) => api.elb(new DescribeTagsCommand({ ResourceArns }))),
  );
  for (const answer of answers)
    for (const d of answer.TagDescriptions ?? []) out.set(d.ResourceArn ?? '', fromSdkTags(d.Tags));
  return out;
}
