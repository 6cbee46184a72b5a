import { isIP } from 'node:net';
import { type FieldProblem, InvalidInputError } from '../../src/core/errors.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { RefusedPort } from '../../src/core/provider.js';
import { keyOf } from '../../src/core/k8s.js';
import { refuseUnsupportedProtocols } from '../shared/refused-ports.js';
import { FORBIDDEN_TAG_NAME } from './tags.js';

/**
 * Published Azure limits (Microsoft, "Azure subscription and service limits": Load Balancer,
 * Networking; "Use tags to organize your Azure resources"), checked before any call so that a
 * Service ARM would refuse half-way through an apply is refused at plan time instead.
 */
export const AZURE_LIMITS = {
  /** Rules (load balancing + inbound NAT) per Standard load balancer. */
  rulesPerLoadBalancer: 1500,
  /** IP configurations per Standard backend pool. */
  poolMembers: 5000,
  /** Security rules per network security group. */
  securityRules: 1000,
  /** Source (or destination) addresses and ranges per network security group. */
  nsgPrefixes: 4000,
  tagsPerResource: 50,
  tagName: 512,
  tagValue: 256,
} as const;

/** lbctl's own tags on a public IP (cluster, service, UID, resource). */
const OWN_TAGS = 4;

/**
 * Load-balancing rules take TCP, UDP or All ("Azure Load Balancer rules"): an SCTP port is
 * refused on its own and the other ports are served (ProviderModel.refusedPorts).
 */
export const refusedPorts = (intent: LoadBalancerIntent): RefusedPort[] =>
  refuseUnsupportedProtocols(
    intent,
    ['TCP', 'UDP'],
    (l) =>
      `Azure load balancers do not serve SCTP (port ${l.name} ${l.port}/SCTP): their rules support "TCP", "UDP"`,
  );

/** Refuses, before any call, what ARM would refuse or what would break the Service (see AZURE_LIMITS). */
export function validateForAzure(intent: LoadBalancerIntent): void {
  const object = `Service ${keyOf(intent.service)}`;
  const problems: FieldProblem[] = [];
  const sctp = intent.listeners.find((l) => l.protocol === 'SCTP');
  if (sctp !== undefined)
    problems.push({
      type: 'Unsupported',
      field: 'spec.ports[].protocol',
      value: sctp.protocol,
      detail: 'Azure load balancers support "TCP", "UDP"',
    });
  const L = AZURE_LIMITS;
  const listeners = intent.listeners.length;
  if (listeners > L.securityRules || listeners > L.rulesPerLoadBalancer)
    problems.push({
      type: 'Invalid',
      field: 'spec.ports',
      value: listeners,
      detail: `Azure allows ${L.rulesPerLoadBalancer} rules per load balancer and ${L.securityRules} security rules per network security group; each port needs one of each`,
    });
  if (listeners * intent.sourceRanges.length > L.nsgPrefixes)
    problems.push({
      type: 'Invalid',
      field: 'spec.loadBalancerSourceRanges',
      value: intent.sourceRanges.length,
      detail: `each of the ${listeners} port(s) repeats them in its security rule, and a network security group allows at most ${L.nsgPrefixes} source addresses or ranges in all`,
    });
  const tagKeys = Object.keys(intent.extraTags);
  if (tagKeys.length + OWN_TAGS > L.tagsPerResource)
    problems.push({
      type: 'Invalid',
      field: 'metadata.annotations[lbctl.io/tags]',
      value: tagKeys.length,
      detail: `Azure allows ${L.tagsPerResource} tags per resource and lbctl adds ${OWN_TAGS} of its own, so at most ${L.tagsPerResource - OWN_TAGS} may be given`,
    });
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(intent.extraTags)) {
    if (FORBIDDEN_TAG_NAME.test(key) || key.length > L.tagName || key.trim() === '')
      problems.push({
        type: 'Invalid',
        field: 'metadata.annotations[lbctl.io/tags]',
        value: key,
        detail: `Azure tag names must be 1 to ${L.tagName} characters without <, >, %, &, \\, ? or /`,
      });
    // Azure tag names are case-insensitive: two keys differing only in case are one tag.
    if (seen.has(key.toLowerCase()))
      problems.push({
        type: 'Invalid',
        field: 'metadata.annotations[lbctl.io/tags]',
        value: key,
        detail: 'Azure tag names are case-insensitive, and another tag has the same name',
      });
    seen.add(key.toLowerCase());
    if (value.length > L.tagValue)
      problems.push({
        type: 'Invalid',
        field: `metadata.annotations[lbctl.io/tags][${key}]`,
        value: `${value.slice(0, 40)}…`,
        detail: `Azure tag values are at most ${L.tagValue} characters (this one has ${value.length})`,
      });
  }
  for (const [field, value] of [
    ['metadata.namespace/metadata.name', `${intent.service.namespace}/${intent.service.name}`],
  ] as const)
    if (value.length > L.tagValue)
      problems.push({
        type: 'Invalid',
        field,
        value,
        detail: `becomes the value of the Azure tag k8s-azure-service, at most ${L.tagValue} characters`,
      });
  if (problems.length > 0) throw new InvalidInputError(object, problems);

  // Nodes: refused rather than skipped. ARM refuses a pool member that is not an IP address
  // (half-way through an apply), and a node quietly left out of the pool would shrink the
  // Service's capacity with nothing in the plan saying why; the error names the Node to fix.
  for (const t of intent.targets) {
    if (t.internalIP === undefined)
      throw new InvalidInputError(`Node ${t.nodeName}`, [
        {
          type: 'Required',
          field: 'status.addresses',
          detail: `an InternalIP address is needed for the Azure IP-based backend pool of ${object}`,
        },
      ]);
    if (isIP(t.internalIP) === 0)
      throw new InvalidInputError(`Node ${t.nodeName}`, [
        {
          type: 'Invalid',
          field: 'status.addresses[type=InternalIP].address',
          value: t.internalIP,
          detail: `must be an IPv4 or IPv6 address to be a member of the Azure IP-based backend pool of ${object}`,
        },
      ]);
  }
  const members = new Set(intent.targets.map((t) => t.internalIP)).size;
  if (members > L.poolMembers)
    throw new InvalidInputError(object, [
      {
        type: 'Invalid',
        field: 'spec (target nodes)',
        value: members,
        detail: `an Azure Standard backend pool holds at most ${L.poolMembers} addresses`,
      },
    ]);
  if (listeners * members > L.nsgPrefixes)
    throw new InvalidInputError(object, [
      {
        type: 'Invalid',
        field: 'spec.ports',
        value: listeners,
        detail: `each port's security rule names the ${members} target nodes as destination, and a network security group allows at most ${L.nsgPrefixes} destination addresses in all (cloud-provider-azure#2725)`,
      },
    ]);
}
