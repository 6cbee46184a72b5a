import { isIP } from 'node:net';
import { type FieldProblem, InvalidInputError } from '../../src/core/errors.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import { keyOf } from '../../src/core/k8s.js';
import type { Resource } from '../../src/core/resource.js';
import {
  loadBalancerName,
  publicIPName,
  ruleName,
  securityRuleDescription,
  serviceNamePrefix,
} from './names.js';
import { T } from './schemas.js';
import type { AzureSettings } from './settings.js';
import { FORBIDDEN_TAG_NAME, serviceTags, sharedTags } from './tags.js';

/** Graph address of the shared load balancer of a scheme. */
export const sharedAddresses = (internal: boolean) => ({
  lb: `${T.lb}.${internal ? 'shared-internal' : 'shared'}`,
});

type Model = Pick<AzureSettings, 'clusterName' | 'location' | 'vnet' | 'subnet' | 'securityGroup'>;

/**
 * The Azure resources one Service needs, following the in-tree design: the cluster's shared
 * Standard load balancer (`<cluster>` or `<cluster>-internal`) and, per Service, a backend pool
 * of its target nodes' IPs, a frontend IP configuration, one probe, one load-balancing rule and
 * one network security rule per listener, and a static Standard public IP (external scheme).
 * The pool is the Service's own (named like its frontend) rather than one pool per cluster:
 * targets belong to the intent of each Service, so two Services never fight over membership.
 * Rules forward `port` to the `nodePort` without floating IP, so traffic reaches the node's
 * NodePort exactly as on the other clouds; the security rule therefore opens the nodePort.
 */
export function desiredResources(intent: LoadBalancerIntent, model: Model): Resource[] {
  validate(intent);
  const internal = intent.scheme === 'internal';
  const svc = intent.service;
  const svcAddr = `${svc.namespace}-${svc.name}`;
  const shared = sharedAddresses(internal);
  const prefix = serviceNamePrefix(svc);
  const family = intent.ipFamilies[0] ?? 'IPv4';
  const azure = intent.options.azure ?? {};
  const out: Resource[] = [];
  const add = (
    type: string,
    name: string,
    attributes: Resource['attributes'],
    dependsOn: string[] = [],
  ) => out.push({ type, name, attributes, dependsOn });

  add(T.lb, shared.lb.split('.')[1] as string, {
    name: loadBalancerName(intent.clusterName, internal),
    location: model.location,
    sku: 'Standard',
    tags: sharedTags(intent.clusterName, shared.lb),
  });
  const poolAddr = `${T.pool}.${svcAddr}`;
  add(
    T.pool,
    svcAddr,
    {
      name: prefix,
      loadbalancer: shared.lb,
      virtual_network: model.vnet,
      addresses: [...new Set(intent.targets.map((t) => t.internalIP as string))].sort(),
    },
    [shared.lb],
  );

  const frontendAddr = `${T.frontend}.${svcAddr}`;
  const frontend: Resource['attributes'] = { name: prefix, loadbalancer: shared.lb };
  const frontendDeps = [shared.lb];
  const requested = intent.requestedIPs[0];
  if (internal) {
    frontend.subnet = azure.internalSubnet ?? model.subnet;
    frontend.private_ip_address_version = family;
    frontend.private_ip_allocation = requested === undefined ? 'Dynamic' : 'Static';
    if (requested !== undefined) frontend.private_ip_address = requested;
  } else if (requested !== undefined && azure.pipName === undefined) {
    // Azure cannot pick a public address on request: the in-tree provider uses the existing
    // public IP that holds it. lbctl references it and never modifies or deletes it.
    frontend.public_ip_address = requested;
  } else {
    const pipAddr = `${T.publicIP}.${svcAddr}`;
    add(T.publicIP, svcAddr, {
      name: azure.pipName ?? publicIPName(intent.clusterName, svc),
      ...(azure.pipResourceGroup === undefined ? {} : { resource_group: azure.pipResourceGroup }),
      location: model.location,
      sku: 'Standard',
      allocation_method: 'Static',
      ip_version: family,
      tags: serviceTags(intent.clusterName, svc, pipAddr, intent.extraTags),
    });
    frontend.public_ip = pipAddr;
    frontendDeps.push(pipAddr);
  }
  add(T.frontend, svcAddr, frontend, frontendDeps);

  const hc = intent.healthCheck;
  const probeAddr = `${T.probe}.${svcAddr}`;
  add(
    T.probe,
    svcAddr,
    {
      name: ruleName(svc, hc.protocol, hc.port),
      loadbalancer: shared.lb,
      protocol: hc.protocol === 'HTTP' ? 'Http' : 'Tcp',
      port: hc.port,
      ...(hc.protocol === 'HTTP' ? { request_path: hc.path ?? '/healthz' } : {}),
      interval_in_seconds: Math.max(5, hc.intervalSeconds),
      // Azure honours probeThreshold (consecutive failures), not numberOfProbes.
      probe_threshold: hc.unhealthyThreshold,
    },
    [shared.lb],
  );

  // No loadBalancerSourceRanges: an external Service admits the Internet, an internal one only
  // its virtual network (never the Internet, whatever the scheme).
  const sources =
    intent.sourceRanges.length > 0
      ? intent.sourceRanges
      : [internal ? 'VirtualNetwork' : 'Internet'];
  // Floating IP is off, so a packet reaches the node addressed to the node's IP and nodePort (the
  // load balancer rewrites the destination); the tightest destination is the Service's own
  // target nodes, not '*' (the frontend IP would match no packet at all).
  const destinations = [...new Set(intent.targets.map((t) => t.internalIP as string))].sort();
  for (const l of intent.listeners) {
    const protocol = l.protocol === 'UDP' ? 'Udp' : 'Tcp';
    add(
      T.rule,
      l.name,
      {
        name: ruleName(svc, l.protocol, l.port),
        loadbalancer: shared.lb,
        frontend_ip_configuration: frontendAddr,
        backend_address_pool: poolAddr,
        probe: probeAddr,
        protocol,
        frontend_port: l.port,
        backend_port: l.nodePort,
        enable_floating_ip: false,
        enable_tcp_reset: protocol === 'Tcp',
        disable_outbound_snat: true,
        idle_timeout_in_minutes: 4,
        load_distribution: intent.sessionAffinity.type === 'ClientIP' ? 'SourceIP' : 'Default',
      },
      [frontendAddr, poolAddr, probeAddr],
    );
    add(T.securityRule, l.name, {
      name: ruleName(svc, l.protocol, l.port),
      description: securityRuleDescription(svc, l.name),
      network_security_group: model.securityGroup,
      direction: 'Inbound',
      access: 'Allow',
      protocol,
      source_port_range: '*',
      source_address_prefixes: [...sources],
      destination_address_prefixes: destinations,
      destination_port_range: String(l.nodePort),
    });
  }
  return out;
}

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

function validate(intent: LoadBalancerIntent): void {
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
