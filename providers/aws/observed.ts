import type { SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import type {
  Listener,
  LoadBalancer,
  TargetDescription,
  TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Attributes, Resource } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import { RESOURCE_TAG } from '../../src/core/tags.js';
import { LB_ADDRESS, SG_ADDRESS } from './desired.js';
import { INGRESS_RULE, LB, LISTENER, SECURITY_GROUP, TARGET_GROUP } from './schemas.js';
import { targetMember } from './targets.js';

/**
 * SDK shapes → resources in exactly the shape desired.ts builds, so the planner compares like
 * with like. Cloud IDs that refer to other resources of the graph are mapped back to addresses.
 */

/** AWS defaults for the target group attributes lbctl manages; moto leaves some of them out. */
export const TARGET_GROUP_ATTRIBUTE_DEFAULTS: Readonly<Record<string, string>> = {
  'deregistration_delay.timeout_seconds': '300',
  'proxy_protocol_v2.enabled': 'false',
  'stickiness.enabled': 'false',
  'stickiness.type': 'source_ip',
};
export const LOAD_BALANCER_ATTRIBUTE_DEFAULTS: Readonly<Record<string, string>> = {
  'load_balancing.cross_zone.enabled': 'false',
};

/** `aws_lb_target_group.http` → `{type, name}`. */
export function splitAddress(address: string): { type: string; name: string } {
  const dot = address.indexOf('.');
  return { type: address.slice(0, dot), name: address.slice(dot + 1) };
}

export const nameFromTags = (
  tags: Readonly<Record<string, string>>,
  type: string,
): string | undefined => {
  const address = tags[RESOURCE_TAG];
  if (address === undefined) return undefined;
  const parsed = splitAddress(address);
  return parsed.type === type && parsed.name !== '' ? parsed.name : undefined;
};

export function managedAttributes(
  pairs: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
  defaults: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...defaults };
  for (const p of pairs ?? [])
    if (p.Key !== undefined && p.Key in defaults) out[p.Key] = p.Value ?? '';
  return out;
}

/** Ingress permissions as set members; what lbctl does not model (port ranges, groups) still shows, so a plan can remove it. */
export function ingressMembers(group: SecurityGroup): string[] {
  const out = new Set<string>();
  for (const p of group.IpPermissions ?? []) {
    const protocol = p.IpProtocol === '-1' ? 'all' : (p.IpProtocol ?? 'all');
    const port =
      p.FromPort === p.ToPort ? String(p.FromPort ?? -1) : `${p.FromPort ?? -1}-${p.ToPort ?? -1}`;
    const add = (source: string | undefined) => {
      if (source !== undefined) out.add(`${protocol}:${port}:${source}`);
    };
    for (const r of p.IpRanges ?? []) add(r.CidrIp);
    for (const r of p.Ipv6Ranges ?? []) add(r.CidrIpv6);
    for (const r of p.UserIdGroupPairs ?? []) add(r.GroupId);
    for (const r of p.PrefixListIds ?? []) add(r.PrefixListId);
  }
  return [...out].sort();
}

export function observedSecurityGroup(
  group: SecurityGroup,
  name: string,
  tags: Record<string, string>,
): Resource {
  return {
    type: SECURITY_GROUP,
    name,
    id: group.GroupId ?? '',
    attributes: {
      name: group.GroupName ?? '',
      description: group.Description ?? '',
      vpc_id: group.VpcId ?? '',
      ingress: ingressMembers(group),
      tags,
    },
    dependsOn: [],
  };
}

export function observedLoadBalancer(
  lb: LoadBalancer,
  extra: {
    name: string;
    tags: Record<string, string>;
    attributes: Record<string, string>;
    sgIdToAddress: ReadonlyMap<string, string>;
  },
): Resource {
  const groups = (lb.SecurityGroups ?? []).map((id) => extra.sgIdToAddress.get(id) ?? id);
  const eips = (lb.AvailabilityZones ?? [])
    .flatMap((z) => (z.LoadBalancerAddresses ?? []).map((a) => a.AllocationId))
    .filter((a): a is string => a !== undefined);
  const attributes: Attributes = {
    name: lb.LoadBalancerName ?? '',
    load_balancer_type: lb.Type ?? '',
    // CreateLoadBalancer's documented default; AWS always reports it, moto omits it when the
    // create did not send one (the in-tree provider sends none for external NLBs).
    scheme: lb.Scheme ?? 'internet-facing',
    ip_address_type: lb.IpAddressType ?? '',
    // One group is what lbctl attaches; anything else shows as it is and forces replacement.
    security_group:
      groups.length === 1
        ? (groups[0] ?? null)
        : groups.length === 0
          ? null
          : groups.sort().join(','),
    subnets: (lb.AvailabilityZones ?? []).map((z) => z.SubnetId ?? '').sort(),
    ...(eips.length > 0 ? { eip_allocations: eips } : {}),
    attributes: extra.attributes,
    dns_name: lb.DNSName ?? '',
    zone_id: lb.CanonicalHostedZoneId ?? '',
    tags: extra.tags,
  };
  return {
    type: LB,
    name: extra.name,
    id: lb.LoadBalancerArn ?? '',
    attributes,
    dependsOn: groups.filter((g) => g === SG_ADDRESS),
  };
}

export function observedTargetGroup(
  tg: TargetGroup,
  extra: {
    name: string;
    tags: Record<string, string>;
    attributes: Record<string, string>;
    targets: readonly TargetDescription[];
  },
): Resource {
  const port =
    tg.HealthCheckPort === undefined || tg.HealthCheckPort === 'traffic-port'
      ? (tg.Port ?? 0)
      : Number(tg.HealthCheckPort);
  return {
    type: TARGET_GROUP,
    name: extra.name,
    id: tg.TargetGroupArn ?? '',
    attributes: {
      name: tg.TargetGroupName ?? '',
      protocol: tg.Protocol ?? '',
      port: tg.Port ?? 0,
      target_type: tg.TargetType ?? '',
      vpc_id: tg.VpcId ?? '',
      health_check: {
        protocol: tg.HealthCheckProtocol ?? '',
        port,
        ...(tg.HealthCheckProtocol === 'HTTP' || tg.HealthCheckProtocol === 'HTTPS'
          ? { path: tg.HealthCheckPath ?? '/' }
          : {}),
        interval_seconds: tg.HealthCheckIntervalSeconds ?? 0,
        timeout_seconds: tg.HealthCheckTimeoutSeconds ?? 0,
        healthy_threshold: tg.HealthyThresholdCount ?? 0,
        unhealthy_threshold: tg.UnhealthyThresholdCount ?? 0,
      },
      attributes: extra.attributes,
      targets: [
        ...new Set(extra.targets.map((t) => targetMember(t.Id ?? '', t.Port ?? tg.Port ?? 0))),
      ].sort(),
      tags: extra.tags,
    },
    dependsOn: [],
  };
}

export function observedListener(
  listener: Listener,
  extra: {
    name: string;
    tags: Record<string, string>;
    lbAddress: string;
    tgArnToAddress: ReadonlyMap<string, string>;
  },
): Resource {
  const forward = (listener.DefaultActions ?? []).find((a) => a.Type === 'forward');
  const tgArn =
    forward?.TargetGroupArn ?? forward?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn ?? '';
  const tg = extra.tgArnToAddress.get(tgArn) ?? tgArn;
  return {
    type: LISTENER,
    name: extra.name,
    id: listener.ListenerArn ?? '',
    attributes: {
      load_balancer: extra.lbAddress,
      protocol: listener.Protocol ?? '',
      port: listener.Port ?? 0,
      default_target_group: tg,
      tags: extra.tags,
    },
    dependsOn: [extra.lbAddress, ...(extra.tgArnToAddress.has(tgArn) ? [tg] : [])].filter(
      (a) => a === LB_ADDRESS || a.startsWith(`${TARGET_GROUP}.`),
    ),
  };
}

export function observedIngressRule(
  rule: SecurityGroupRule,
  name: string,
  tags: Record<string, string>,
  sgIdToAddress: ReadonlyMap<string, string>,
): Resource {
  const ref = rule.ReferencedGroupInfo?.GroupId;
  const referenced =
    ref === undefined ? (rule.CidrIpv4 ?? rule.CidrIpv6 ?? null) : (sgIdToAddress.get(ref) ?? ref);
  return {
    type: INGRESS_RULE,
    name,
    id: rule.SecurityGroupRuleId ?? '',
    attributes: {
      security_group_id: rule.GroupId ?? '',
      ip_protocol: rule.IpProtocol ?? '',
      from_port: rule.FromPort ?? -1,
      to_port: rule.ToPort ?? -1,
      referenced_security_group: referenced,
      tags,
    },
    dependsOn: referenced === SG_ADDRESS ? [SG_ADDRESS] : [],
  };
}

/** Two cloud resources claiming one address (a crash between a create and its bookkeeping): the extras get their own address, so the plan deletes them. */
export function withUniqueAddresses(
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
