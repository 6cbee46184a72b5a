import type { LoadBalancerIntent } from '../../src/core/intent.js';
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
import { validateForAzure } from './limits.js';
import { serviceTags, sharedTags } from './tags.js';

/** Graph address of the shared load balancer of a scheme. */
export const sharedAddresses = (internal: boolean) => ({
  lb: `${T.lb}.${internal ? 'shared-internal' : 'shared'}`,
});

type Model = Pick<AzureSettings, 'clusterName' | 'location' | 'vnet' | 'subnet' | 'securityGroup'> &
  Partial<Pick<AzureSettings, 'disableOutboundSnat'>>;

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
  validateForAzure(intent);
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
        disable_outbound_snat: model.disableOutboundSnat ?? true,
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
