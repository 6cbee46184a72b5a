import { InvalidInputError } from '../../src/core/errors.js';
import type { Listener, LoadBalancerIntent } from '../../src/core/intent.js';
import { addressOf, type Attributes, type Resource } from '../../src/core/resource.js';
import { loadBalancerName, securityGroupName, targetGroupName } from './names.js';
import { ingressMember, sgProtocols } from './rules.js';
import { INGRESS_RULE, LB, LISTENER, SECURITY_GROUP, TARGET_GROUP } from './schemas.js';
import type { AwsSettings } from './settings.js';
import {
  NLB_QUOTAS,
  validateDerivedNames,
  validateHealthCheck,
  validateTargetQuotas,
} from './limits.js';
import { resourceTags, validateExtraTags } from './tags.js';
import { instanceIdOf, sortedInstanceIds, targetMembers } from './targets.js';

/** NLB quotas (Elastic Load Balancing quotas page, see limits.ts): listeners per load balancer. */
export const MAX_LISTENERS = NLB_QUOTAS.listeners;

const ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-';
const annotation = (suffix: string) => `metadata.annotations[${ANNOTATION}${suffix}]`;

/** One NLB listener: a Service port, or a TCP and a UDP port merged into TCP_UDP. */
interface NlbListener {
  name: string;
  protocol: 'TCP' | 'UDP' | 'TCP_UDP';
  port: number;
  nodePort: number;
}

export const LB_ADDRESS = addressOf({ type: LB, name: 'this' });
export const SG_ADDRESS = addressOf({ type: SECURITY_GROUP, name: 'this' });

/**
 * The AWS resources one Service needs (pure): a security group that holds the source ranges and
 * is attached to the NLB, the NLB, one instance target group and one listener per port, and —
 * when the nodes' security group is configured — tagged rules on it that let the NLB reach the
 * NodePorts and the health check port.
 */
export function desiredResources(
  intent: LoadBalancerIntent,
  settings: Pick<AwsSettings, 'vpcId' | 'subnets' | 'securityGroup'>,
): Resource[] {
  const object = `Service ${intent.service.namespace}/${intent.service.name}`;
  validateDerivedNames(object, intent);
  validateExtraTags(intent);
  validateHealthCheck(object, intent);
  if (intent.requestedIPs.length > 0) {
    throw new InvalidInputError(object, [
      {
        type: 'Invalid',
        field: 'spec.loadBalancerIP',
        value: intent.requestedIPs.join(','),
        detail: `an AWS network load balancer cannot take a requested IP; use ${ANNOTATION}eip-allocations`,
      },
    ]);
  }
  const listeners = nlbListeners(object, intent.listeners);
  validateTargetQuotas(object, intent, listeners.length);
  const instanceIds = sortedInstanceIds(intent.targets.map(instanceIdOf));
  const aws = intent.options.aws ?? {};
  const subnets = aws.subnets !== undefined ? [...aws.subnets].sort() : settings.subnets;
  validateEips(object, intent, subnets);
  const vpc = settings.vpcId === undefined ? {} : { vpc_id: settings.vpcId };
  const tagged = (
    type: string,
    name: string,
    attributes: Attributes,
    dependsOn: string[] = [],
  ): Resource => ({
    type,
    name,
    attributes: { ...attributes, tags: resourceTags(intent, addressOf({ type, name })) },
    dependsOn,
  });

  const families = intent.ipFamilies.length === 0 ? ['IPv4'] : intent.ipFamilies;
  const cidrs =
    intent.sourceRanges.length > 0
      ? intent.sourceRanges
      : families.map((f) => (f === 'IPv6' ? '::/0' : '0.0.0.0/0'));
  const ingress = listeners.flatMap((l) =>
    sgProtocols(l.protocol).flatMap((protocol) =>
      cidrs.map((cidr) => ingressMember({ protocol, port: l.port, cidr })),
    ),
  );
  const out: Resource[] = [
    tagged(SECURITY_GROUP, 'this', {
      name: securityGroupName(intent.service),
      description: `Security group for Kubernetes NLB ${loadBalancerName(intent.service)} (${intent.service.namespace}/${intent.service.name})`,
      ...vpc,
      ingress: [...new Set(ingress)].sort(),
    }),
    tagged(
      LB,
      'this',
      {
        name: loadBalancerName(intent.service),
        load_balancer_type: 'network',
        scheme: intent.scheme === 'internal' ? 'internal' : 'internet-facing',
        ip_address_type: families.includes('IPv6') ? 'dualstack' : 'ipv4',
        security_group: SG_ADDRESS,
        ...(subnets === undefined ? {} : { subnets }),
        ...(aws.eipAllocations === undefined ? {} : { eip_allocations: [...aws.eipAllocations] }),
        attributes: {
          'load_balancing.cross_zone.enabled': String(aws.crossZoneLoadBalancing ?? false),
        },
      },
      [SG_ADDRESS],
    ),
  ];
  const hc = intent.healthCheck;
  for (const l of listeners) {
    const probePort = probePortOf(hc, l);
    const tg = addressOf({ type: TARGET_GROUP, name: l.name });
    out.push(
      tagged(TARGET_GROUP, l.name, {
        name: targetGroupName(intent.service, l),
        protocol: l.protocol,
        port: l.nodePort,
        target_type: 'instance',
        ...vpc,
        health_check: {
          protocol: hc.protocol,
          port: probePort,
          ...(hc.protocol === 'HTTP' ? { path: hc.path ?? '/' } : {}),
          interval_seconds: hc.intervalSeconds,
          timeout_seconds: hc.timeoutSeconds,
          healthy_threshold: hc.healthyThreshold,
          unhealthy_threshold: hc.unhealthyThreshold,
        },
        attributes: {
          'deregistration_delay.timeout_seconds': String(aws.deregistrationDelaySeconds ?? 300),
          'proxy_protocol_v2.enabled': String(aws.proxyProtocol ?? false),
          'stickiness.enabled': String(intent.sessionAffinity.type === 'ClientIP'),
          'stickiness.type': 'source_ip',
        },
        targets: targetMembers(instanceIds, l.nodePort),
      }),
      tagged(
        LISTENER,
        l.name,
        { load_balancer: LB_ADDRESS, protocol: l.protocol, port: l.port, default_target_group: tg },
        [LB_ADDRESS, tg],
      ),
    );
  }
  if (settings.securityGroup !== undefined)
    out.push(...nodeRules(intent, listeners, settings.securityGroup, tagged));
  return out;
}

/**
 * The port a listener's target group probes. In `node-port` mode each TCP (or TCP_UDP) group
 * probes its own nodePort, so a node whose kube-proxy lost one port's rules leaves only that
 * port's group; a UDP group cannot be probed over UDP and keeps the shared TCP port (the first
 * TCP nodePort). Every other mode (`service`, `kube-proxy`, `custom`) probes one port for all.
 */
function probePortOf(hc: LoadBalancerIntent['healthCheck'], l: NlbListener): number {
  return hc.mode === 'node-port' && l.protocol !== 'UDP' ? l.nodePort : hc.port;
}

/** Rules on the nodes' security group letting the NLB's group reach every NodePort and every port a target group probes. */
function nodeRules(
  intent: LoadBalancerIntent,
  listeners: readonly NlbListener[],
  nodeGroup: string,
  tagged: (type: string, name: string, a: Attributes, d?: string[]) => Resource,
): Resource[] {
  const ports = new Set<string>();
  for (const l of listeners)
    for (const p of sgProtocols(l.protocol)) ports.add(`${p}-${l.nodePort}`);
  for (const l of listeners) ports.add(`tcp-${probePortOf(intent.healthCheck, l)}`);
  return [...ports].sort().map((key) => {
    const [protocol, port] = key.split('-') as [string, string];
    return tagged(
      INGRESS_RULE,
      `nodes-${key}`,
      {
        security_group_id: nodeGroup,
        ip_protocol: protocol,
        from_port: Number(port),
        to_port: Number(port),
        referenced_security_group: SG_ADDRESS,
      },
      [SG_ADDRESS],
    );
  });
}

/** NLB listener ports are unique per load balancer: a TCP and a UDP Service port on the same port become one TCP_UDP listener. */
function nlbListeners(object: string, listeners: readonly Listener[]): NlbListener[] {
  const byPort = new Map<number, Listener[]>();
  for (const l of listeners) byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
  const out: NlbListener[] = [];
  for (const [port, group] of byPort) {
    const sctp = group.find((l) => l.protocol === 'SCTP');
    if (sctp !== undefined) {
      throw new InvalidInputError(object, [
        {
          type: 'NotSupported',
          field: 'spec.ports',
          value: `${sctp.name} SCTP/${port}`,
          detail: 'AWS network load balancers support "TCP" and "UDP"',
        },
      ]);
    }
    const [first, second] = group;
    if (first === undefined) continue;
    if (second === undefined) {
      out.push({
        name: first.name,
        protocol: first.protocol as 'TCP' | 'UDP',
        port,
        nodePort: first.nodePort,
      });
      continue;
    }
    if (
      group.length > 2 ||
      first.protocol === second.protocol ||
      first.nodePort !== second.nodePort
    ) {
      throw new InvalidInputError(object, [
        {
          type: 'Invalid',
          field: 'spec.ports',
          value: group.map((l) => `${l.name} ${l.protocol}/${port}->${l.nodePort}`).join(', '),
          detail: `an AWS network load balancer has one listener per port: TCP and UDP on port ${port} need the same nodePort to share a TCP_UDP listener`,
        },
      ]);
    }
    const tcp = first.protocol === 'TCP' ? first : second;
    out.push({ name: tcp.name, protocol: 'TCP_UDP', port, nodePort: first.nodePort });
  }
  if (out.length > MAX_LISTENERS) {
    throw new InvalidInputError(object, [
      {
        type: 'Invalid',
        field: 'spec.ports',
        value: out.length,
        detail: `an AWS network load balancer allows at most ${MAX_LISTENERS} listeners`,
      },
    ]);
  }
  return out.sort((a, b) => a.port - b.port);
}

function validateEips(
  object: string,
  intent: LoadBalancerIntent,
  subnets: readonly string[] | undefined,
): void {
  const eips = intent.options.aws?.eipAllocations;
  if (eips === undefined) return;
  const field = annotation('eip-allocations');
  const bad = eips.find((e) => !/^eipalloc-[0-9a-f]{8}([0-9a-f]{9})?$/.test(e));
  const detail =
    bad !== undefined
      ? 'must be Elastic IP allocation IDs such as "eipalloc-0123456789abcdef0"'
      : intent.scheme === 'internal'
        ? 'Elastic IPs can only be used by an internet-facing load balancer'
        : subnets === undefined || subnets.length !== eips.length
          ? `needs exactly one allocation per subnet (${subnets?.length ?? 0} subnets configured)`
          : undefined;
  if (detail !== undefined)
    throw new InvalidInputError(object, [
      { type: 'Invalid', field, value: eips.join(','), detail },
    ]);
}
