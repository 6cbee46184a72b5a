import { InvalidInputError } from '../../src/core/errors.js';
import type { Target } from '../../src/core/intent.js';

/**
 * `aws:///us-east-1a/i-0123456789abcdef0` (the kubelet's form) or `aws:////i-…`: the instance ID
 * is the last path segment; AWS instance IDs are `i-` and 8 or 17 lower-case hex digits.
 */
const PROVIDER_ID = /^aws:\/\/[^/]*\/[^/]*\/(i-[0-9a-f]{8}(?:[0-9a-f]{9})?)$/;

/** The EC2 instance ID of a node; a node that is not an AWS instance cannot be a target. */
export function instanceIdOf(target: Pick<Target, 'nodeName' | 'providerID'>): string {
  const match = PROVIDER_ID.exec(target.providerID);
  if (match?.[1] === undefined) {
    throw new InvalidInputError(`Node ${target.nodeName}`, [
      {
        type: 'Invalid',
        field: 'spec.providerID',
        value: target.providerID,
        detail:
          'must name an EC2 instance as aws:///<zone>/i-<8 or 17 hex digits> (e.g. aws:///us-east-1a/i-0123456789abcdef0)',
      },
    ]);
  }
  return match[1];
}

/** A target-set member: `<instance id>:<port>`. */
export const targetMember = (instanceId: string, port: number): string => `${instanceId}:${port}`;

/**
 * The distinct instance IDs in the order their target members sort, for every port at once.
 * Members `A:p` and `B:p` compare like `A:` and `B:` (the IDs differ before the port), so one
 * sort per Service replaces one per listener: sorting 1,000 members for each of 10 ports was
 * most of the planning time of a large Service.
 */
export function sortedInstanceIds(ids: readonly string[]): string[] {
  return [...new Set(ids)]
    .map((id) => `${id}:`)
    .sort()
    .map((key) => key.slice(0, -1));
}

/** The target set of one listener: every instance on its NodePort, sorted (see sortedInstanceIds). */
export const targetMembers = (sortedIds: readonly string[], port: number): string[] =>
  sortedIds.map((id) => targetMember(id, port));

export function parseTargetMember(member: string): { id: string; port: number } {
  const colon = member.lastIndexOf(':');
  const port = Number(member.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port))
    throw new TypeError(`target "${member}" is not <instance id>:<port>`);
  return { id: member.slice(0, colon), port };
}
