import { CreateTagsCommand, DeleteTagsCommand } from '@aws-sdk/client-ec2';
import { AddTagsCommand, RemoveTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { isLbctlError, LbctlError } from '../../src/core/errors.js';
import type { Resource, Value } from '../../src/core/resource.js';
import type { AwsApi } from './api.js';
import { awsCode } from './classify.js';
import type { Network } from './network.js';
import { toSdkTags } from './tags.js';

/** What every step executor needs. */
export interface ExecContext {
  api: AwsApi;
  clusterName: string;
  network: Network;
  /** Every resource known so far, by address (observed, or returned by earlier steps). */
  state: ReadonlyMap<string, Resource>;
}

/** The cloud ID of another resource of the graph; the planner orders steps so it exists. */
export function idOf(ctx: ExecContext, address: Value | undefined, needer: string): string {
  const r = typeof address === 'string' ? ctx.state.get(address) : undefined;
  if (r?.id === undefined || r.id === '') {
    throw new LbctlError(
      'terminal',
      `${needer} needs ${String(address)}, which does not exist yet (the plan should have created it first)`,
    );
  }
  return r.id;
}

export const str = (v: Value | undefined): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
export const num = (v: Value | undefined): number => (typeof v === 'number' ? v : Number(v));
export const strings = (v: Value | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
export const record = (v: Value | undefined): Record<string, Value> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
export const stringRecord = (v: Value | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(record(v)).map(([k, x]) => [k, str(x)]));

export const same = (a: Value | undefined, b: Value | undefined): boolean =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(v: Value | undefined): Value | undefined {
  if (Array.isArray(v)) return v.map(canonical) as Value[];
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical(v[k]) as Value]),
    );
  }
  return v;
}

/** Members in `after` but not in `before`, and the other way round. */
export function delta(
  before: Value | undefined,
  after: Value | undefined,
): { add: string[]; remove: string[] } {
  const b = new Set(strings(before));
  const a = new Set(strings(after));
  return { add: [...a].filter((x) => !b.has(x)), remove: [...b].filter((x) => !a.has(x)) };
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** True when the error is one of these AWS codes (with or without the SDK's `Exception` suffix). */
export const isCode = (error: unknown, ...codes: string[]): boolean => {
  const code = awsCode(error);
  return code !== undefined && codes.includes(code);
};

/** Runs a delete; a resource that is already gone is success. */
export async function ignoreNotFound(fn: () => Promise<unknown>): Promise<undefined> {
  try {
    await fn();
  } catch (e) {
    if (!(isLbctlError(e) && e.kind === 'not-found')) throw e;
  }
  return undefined;
}

/** The resource after an update: desired attributes over what the cloud computed. */
export const updated = (before: Resource, after: Resource): Resource => ({
  ...after,
  ...(before.id === undefined ? {} : { id: before.id }),
  attributes: { ...before.attributes, ...after.attributes },
});

function tagDelta(before: Resource | undefined, after: Resource) {
  const b = stringRecord(before?.attributes['tags']);
  const a = stringRecord(after.attributes['tags']);
  const set = Object.fromEntries(Object.entries(a).filter(([k, v]) => b[k] !== v));
  const removed = Object.keys(b).filter((k) => !(k in a));
  return { set, removed };
}

/** Brings an ELBv2 resource's tags to the desired ones, writing only when they differ. */
export async function syncElbTags(
  ctx: ExecContext,
  arn: string,
  before: Resource | undefined,
  after: Resource,
): Promise<void> {
  const { set, removed } = tagDelta(before, after);
  if (Object.keys(set).length > 0)
    await ctx.api.elb(new AddTagsCommand({ ResourceArns: [arn], Tags: toSdkTags(set) }));
  if (removed.length > 0)
    await ctx.api.elb(new RemoveTagsCommand({ ResourceArns: [arn], TagKeys: removed }));
}

/** Same for an EC2 resource (security group or rule). */
export async function syncEc2Tags(
  ctx: ExecContext,
  id: string,
  before: Resource | undefined,
  after: Resource,
): Promise<void> {
  const { set, removed } = tagDelta(before, after);
  if (Object.keys(set).length > 0)
    await ctx.api.ec2(new CreateTagsCommand({ Resources: [id], Tags: toSdkTags(set) }));
  if (removed.length > 0)
    await ctx.api.ec2(
      new DeleteTagsCommand({ Resources: [id], Tags: removed.map((Key) => ({ Key })) }),
    );
}
