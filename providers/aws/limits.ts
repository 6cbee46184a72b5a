import { InvalidInputError, type FieldProblem } from '../../src/core/errors.js';
import type { LoadBalancerIntent, Target } from '../../src/core/intent.js';
import { clusterTagKey, SERVICE_NAME_TAG } from '../../src/core/tags.js';
import { loadBalancerName, securityGroupName } from './names.js';
import { ELB_TAG_TEXT, MAX_TAG_KEY, MAX_TAG_VALUE } from './tags.js';

/**
 * Network Load Balancer quotas (Elastic Load Balancing, "Quotas for your Network Load
 * Balancers", docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html):
 * - listeners per NLB: 50 (not adjustable);
 * - targets per Availability Zone per NLB: 500, a target registered with N target groups
 *   counting N times;
 * - targets per NLB: 3,000; with cross-zone load balancing on, 500 per NLB whatever the
 *   number of zones;
 * - targets per target group: 1,000 ("Target groups" table of the same page).
 * The target quotas are adjustable: lbctl refuses at the defaults, and says so, because AWS
 * would fail the RegisterTargets half-way through an apply otherwise.
 */
export const NLB_QUOTAS = {
  listeners: 50,
  targetsPerZone: 500,
  targetsPerLoadBalancer: 3000,
  targetsWithCrossZone: 500,
  targetsPerTargetGroup: 1000,
} as const;

const awsAnnotation = (suffix: string) =>
  `metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-${suffix}]`;
const CROSS_ZONE_ANNOTATION = awsAnnotation('cross-zone-load-balancing-enabled');

/** `aws:///us-east-1a/i-…` → `us-east-1a`; else the node's topology label. */
const zoneOf = (t: Target): string =>
  /^aws:\/\/[^/]*\/([^/]+)\//.exec(t.providerID)?.[1] ?? t.zone ?? '(no zone)';

/** Target registrations this Service's NLB would hold: every node in every target group. */
export function validateTargetQuotas(
  object: string,
  intent: LoadBalancerIntent,
  targetGroups: number,
): void {
  const nodes = intent.targets.length;
  const problems: FieldProblem[] = [];
  const counted = (n: number) =>
    `${targetGroups} target group(s) × ${n} node(s) = ${targetGroups * n} targets`;
  if (nodes > NLB_QUOTAS.targetsPerTargetGroup) {
    problems.push({
      type: 'Invalid',
      field: 'nodes',
      value: nodes,
      detail: `an NLB target group holds at most ${NLB_QUOTAS.targetsPerTargetGroup} targets (adjustable AWS quota); narrow the nodes the Service uses`,
    });
  }
  const total = targetGroups * nodes;
  if (
    intent.options.aws?.crossZoneLoadBalancing === true &&
    total > NLB_QUOTAS.targetsWithCrossZone
  ) {
    problems.push({
      type: 'Invalid',
      field: CROSS_ZONE_ANNOTATION,
      value: counted(nodes),
      detail: `with cross-zone load balancing an NLB allows at most ${NLB_QUOTAS.targetsWithCrossZone} targets in all (adjustable AWS quota; a node counts once per target group)`,
    });
  } else if (total > NLB_QUOTAS.targetsPerLoadBalancer) {
    problems.push({
      type: 'Invalid',
      field: 'spec.ports',
      value: counted(nodes),
      detail: `an NLB allows at most ${NLB_QUOTAS.targetsPerLoadBalancer} targets (adjustable AWS quota; a node counts once per target group)`,
    });
  }
  const perZone = new Map<string, number>();
  for (const t of intent.targets) perZone.set(zoneOf(t), (perZone.get(zoneOf(t)) ?? 0) + 1);
  for (const [zone, n] of [...perZone].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (targetGroups * n <= NLB_QUOTAS.targetsPerZone) continue;
    problems.push({
      type: 'Invalid',
      field: 'spec.ports',
      value: `${counted(n)} in ${zone}`,
      detail: `an NLB allows at most ${NLB_QUOTAS.targetsPerZone} targets per availability zone (adjustable AWS quota; a node counts once per target group)`,
    });
  }
  if (problems.length > 0) throw new InvalidInputError(object, problems);
}

/** EC2 security group names and descriptions: up to 255 of these characters (CreateSecurityGroup). */
const EC2_GROUP_TEXT = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
/** ELBv2 load balancer names: letters, digits and hyphens, not starting or ending with one. */
const ELB_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/**
 * What lbctl derives from the Service's identity and the cluster name — resource names, the
 * security group's description, its own tags — checked against AWS's rules at plan time, each
 * problem naming the field the value came from.
 */
export function validateDerivedNames(object: string, intent: LoadBalancerIntent): void {
  const { service } = intent;
  const problems: FieldProblem[] = [];
  const lb = loadBalancerName(service);
  if (!ELB_NAME.test(lb) || lb.startsWith('internal-')) {
    problems.push({
      type: 'Invalid',
      field: 'metadata.uid',
      value: service.uid,
      detail: `gives the load balancer name "${lb}": AWS allows only letters, digits and hyphens (a UID as kube-apiserver issues it, 8-4-4-4-12 hex digits, always fits)`,
    });
  } else if (!EC2_GROUP_TEXT.test(securityGroupName(service))) {
    problems.push({
      type: 'Invalid',
      field: 'metadata.uid',
      value: service.uid,
      detail: 'gives a security group name with characters EC2 does not accept',
    });
  }
  const who = `${service.namespace}/${service.name}`;
  const description = `Security group for Kubernetes NLB ${lb} (${who})`;
  if (description.length > 255 || !EC2_GROUP_TEXT.test(description)) {
    problems.push({
      type: 'Invalid',
      field: 'metadata.name',
      value: who,
      detail:
        'goes into the security group description, which EC2 limits to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*',
    });
  }
  if (who.length > MAX_TAG_VALUE || !ELB_TAG_TEXT.test(who)) {
    problems.push({
      type: 'Invalid',
      field: 'metadata.name',
      value: who,
      detail: `is the value of the tag ${SERVICE_NAME_TAG}: at most ${MAX_TAG_VALUE} letters, digits, spaces and _ . : / = + - @`,
    });
  }
  if (!ELB_TAG_TEXT.test(service.uid)) {
    problems.push({
      type: 'Invalid',
      field: 'metadata.uid',
      value: service.uid,
      detail: 'is a tag value: only letters, digits, spaces and _ . : / = + - @',
    });
  }
  const key = clusterTagKey(intent.clusterName);
  if (key.length > MAX_TAG_KEY || !ELB_TAG_TEXT.test(key)) {
    problems.push({
      type: 'Invalid',
      field: '--cluster-name',
      value: intent.clusterName,
      detail: `makes the ownership tag key ${JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key)}: at most ${MAX_TAG_KEY} letters, digits, spaces and _ . : / = + - @ in all (a cluster name of at most ${MAX_TAG_KEY - key.length + intent.clusterName.length} characters)`,
    });
  }
  if (problems.length > 0) throw new InvalidInputError(object, problems);
}

/** The ranges AWS enforces for network load balancer health checks (CreateTargetGroup). */
export function validateHealthCheck(object: string, intent: LoadBalancerIntent): void {
  const hc = intent.healthCheck;
  const problems: FieldProblem[] = [];
  const range = (suffix: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push({
        type: 'Invalid',
        field: awsAnnotation(suffix),
        value,
        detail: `must be an integer from ${min} to ${max} for a network load balancer`,
      });
    }
  };
  range('healthcheck-interval', hc.intervalSeconds, 5, 300);
  range('healthcheck-timeout', hc.timeoutSeconds, 2, 120);
  range('healthcheck-healthy-threshold', hc.healthyThreshold, 2, 10);
  range('healthcheck-unhealthy-threshold', hc.unhealthyThreshold, 2, 10);
  if (
    hc.protocol === 'HTTP' &&
    hc.path !== undefined &&
    (!hc.path.startsWith('/') || hc.path.length > 1024)
  ) {
    problems.push({
      type: 'Invalid',
      field: awsAnnotation('healthcheck-path'),
      value: hc.path,
      detail: 'must start with "/" and be at most 1024 characters',
    });
  }
  const delay = intent.options.aws?.deregistrationDelaySeconds;
  if (delay !== undefined && (!Number.isInteger(delay) || delay < 0 || delay > 3600)) {
    problems.push({
      type: 'Invalid',
      field: awsAnnotation('target-group-attributes'),
      value: delay,
      detail: 'deregistration_delay.timeout_seconds must be an integer from 0 to 3600',
    });
  }
  if (problems.length > 0) throw new InvalidInputError(object, problems);
}
