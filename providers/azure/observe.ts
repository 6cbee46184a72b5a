import type { LoadBalancer, PublicIPAddress } from '@azure/arm-network';
import { LbctlError, NotOwnedError } from '../../src/core/errors.js';
import type { ObserveRequest } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import type { AzureApi } from './api.js';
import { sharedAddresses } from './desired.js';
import {
  observedFrontend,
  observedLoadBalancer,
  observedPool,
  observedProbe,
  observedPublicIP,
  observedRule,
  observedSecurityRule,
} from './mapping.js';
import { backendPoolName, isAnyServiceChild, isServiceChild, loadBalancerName } from './names.js';
import { T } from './schemas.js';
import type { AzureSettings } from './settings.js';
import {
  AZURE_CLUSTER_TAG,
  AZURE_RESOURCE_TAG,
  AZURE_SERVICE_UID_TAG,
  isAzureOwned,
} from './tags.js';
import type { ArmCache } from './cache.js';

type Settings = Pick<AzureSettings, 'clusterName' | 'resourceGroup' | 'securityGroup' | 'vnet'>;

/**
 * The Service's resources as they exist, found by tags: public IPs by this cluster's and the
 * Service UID's tags; the shared load balancers by this cluster's tag, and inside them the
 * frontend, probe and rules whose in-tree names carry the Service's UID; the same for the
 * rules of the cluster's (tagged) network security group. Reads only: 3 calls when every list
 * fits one page (load balancers, public IPs, security group).
 *
 * The shared load balancer and its pool are reported when this Service wants them, or when no
 * other Service has a frontend on them: deleting the last Service shows (and performs) their
 * deletion, while deleting one of several leaves them out of its plan. A Service that starts
 * using the load balancer between that plan and its execution is safe: the delete re-reads
 * with If-Match and keeps a load balancer that still has frontends, rules or probes.
 */
export async function observeAzure(
  api: AzureApi,
  s: Settings,
  request: ObserveRequest,
  cache: ArmCache,
): Promise<Resource[]> {
  const svc = request.service;
  const svcAddr = `${svc.namespace}-${svc.name}`;
  const desired = new Map(request.desired.map((r) => [addressOf(r), r]));
  const desiredName = (type: string, name: string): string | undefined =>
    request.desired.find((r) => r.type === type && r.attributes.name === name)?.name;
  const out: Resource[] = [];

  const pipRgs = new Set([s.resourceGroup]);
  for (const r of request.desired)
    if (r.type === T.publicIP && typeof r.attributes.resource_group === 'string')
      pipRgs.add(r.attributes.resource_group);
  const pips: PublicIPAddress[] = [];
  for (const rg of pipRgs) pips.push(...(await api.list('publicIPAddresses', rg)));
  const publicIPs = new Map<string, { address?: string; ip?: string }>();
  for (const pip of pips) {
    const tags = pip.tags ?? {};
    const wanted = request.desired.find(
      (r) =>
        r.type === T.publicIP &&
        String(r.attributes.name).toLowerCase() === pip.name?.toLowerCase(),
    );
    const mine = isAzureOwned(tags, s.clusterName) && tags[AZURE_SERVICE_UID_TAG] === svc.uid;
    if (wanted !== undefined && !mine) {
      throw new NotOwnedError(
        `public IP ${pip.id ?? pip.name ?? ''}`,
        describeOwner(tags, s.clusterName),
      );
    }
    if (!mine) {
      publicIPs.set(
        (pip.id ?? '').toLowerCase(),
        pip.ipAddress === undefined ? {} : { ip: pip.ipAddress },
      );
      continue;
    }
    const address = tags[AZURE_RESOURCE_TAG] ?? `${T.publicIP}.${svcAddr}`;
    const rg = lastRg(pip.id);
    const wantRg = desired.get(address)?.attributes.resource_group;
    out.push(observedPublicIP(pip, address, typeof wantRg === 'string' ? rg : undefined));
    publicIPs.set((pip.id ?? '').toLowerCase(), { address });
  }

  const lbs = await api.list('loadBalancers');
  for (const internal of [false, true]) {
    const shared = sharedAddresses(internal);
    const name = loadBalancerName(s.clusterName, internal);
    const lb = lbs.find((l) => l.name?.toLowerCase() === name.toLowerCase());
    if (lb === undefined) continue;
    if (!isAzureOwned(lb.tags, s.clusterName)) {
      if (desired.has(shared.lb))
        throw new NotOwnedError(
          `load balancer ${lb.id ?? name}`,
          describeOwner(lb.tags ?? {}, s.clusterName),
        );
      continue;
    }
    cache.setLoadBalancer(lb);
    out.push(
      ...serviceChildren(lb, {
        svcAddr,
        shared,
        publicIPs,
        desiredName,
        isMine: (n) => isServiceChild(n, svc),
        poolName: backendPoolName(s.clusterName),
      }),
    );
    const othersOnIt = (lb.frontendIPConfigurations ?? []).some(
      (f) => !isServiceChild(f.name ?? '', svc) && isAnyServiceChild(f.name ?? ''),
    );
    if (desired.has(shared.lb) || !othersOnIt) {
      out.push(observedLoadBalancer(lb, shared.lb));
      const pool = (lb.backendAddressPools ?? []).find(
        (p) => p.name?.toLowerCase() === backendPoolName(s.clusterName).toLowerCase(),
      );
      if (pool !== undefined) out.push(observedPool(pool, shared.pool, shared.lb, s.vnet));
    }
  }

  const nsg = await api.get('networkSecurityGroups', s.securityGroup);
  const wantsRules = request.desired.some((r) => r.type === T.securityRule);
  if (nsg === undefined) {
    if (wantsRules) {
      throw new LbctlError(
        'invalid',
        `azure provider settings: security-group: network security group ${s.securityGroup} was not found in resource group ${s.resourceGroup}`,
      );
    }
  } else if (!isAzureOwned(nsg.tags, s.clusterName)) {
    if (wantsRules)
      throw new NotOwnedError(
        `network security group ${nsg.id ?? s.securityGroup}`,
        `${describeOwner(nsg.tags ?? {}, s.clusterName)}; tag it ${AZURE_CLUSTER_TAG}=${s.clusterName} to let lbctl manage its rules`,
      );
  } else {
    cache.setSecurityGroup(nsg);
    for (const rule of nsg.securityRules ?? []) {
      const n = rule.name ?? '';
      if (!isServiceChild(n, svc)) continue;
      const name = desiredName(T.securityRule, n) ?? fallbackName(n);
      out.push(observedSecurityRule(rule, `${T.securityRule}.${name}`, s.securityGroup));
    }
  }
  // A shared parent left out above must not dangle in the graph; references to it still order nothing.
  const present = new Set(out.map(addressOf));
  return out.map((r) => ({ ...r, dependsOn: r.dependsOn.filter((d) => present.has(d)) }));
}

interface ChildContext {
  svcAddr: string;
  shared: { lb: string; pool: string };
  publicIPs: ReadonlyMap<string, { address?: string; ip?: string }>;
  desiredName: (type: string, name: string) => string | undefined;
  isMine: (childName: string) => boolean;
  poolName: string;
}

/** The Service's frontend, probe and rules on one shared load balancer. */
function serviceChildren(lb: LoadBalancer, c: ChildContext): Resource[] {
  const out: Resource[] = [];
  const frontends = new Map<string, string>();
  const probes = new Map<string, string>();
  for (const fe of lb.frontendIPConfigurations ?? []) {
    if (!c.isMine(fe.name ?? '')) continue;
    const address = `${T.frontend}.${c.desiredName(T.frontend, fe.name ?? '') ?? (frontends.size === 0 ? c.svcAddr : fallbackName(fe.name ?? ''))}`;
    frontends.set((fe.name ?? '').toLowerCase(), address);
    out.push(observedFrontend(fe, address, c.shared.lb, c.publicIPs));
  }
  for (const p of lb.probes ?? []) {
    if (!c.isMine(p.name ?? '')) continue;
    const address = `${T.probe}.${c.desiredName(T.probe, p.name ?? '') ?? (probes.size === 0 ? c.svcAddr : fallbackName(p.name ?? ''))}`;
    probes.set((p.name ?? '').toLowerCase(), address);
    out.push(observedProbe(p, address, c.shared.lb));
  }
  for (const r of lb.loadBalancingRules ?? []) {
    if (!c.isMine(r.name ?? '')) continue;
    const address = `${T.rule}.${c.desiredName(T.rule, r.name ?? '') ?? fallbackName(r.name ?? '')}`;
    out.push(
      observedRule(r, address, c.shared.lb, {
        frontend: (n) => frontends.get(n.toLowerCase()) ?? n,
        pool: (n) => (n.toLowerCase() === c.poolName.toLowerCase() ? c.shared.pool : n),
        probe: (n) => probes.get(n.toLowerCase()) ?? n,
      }),
    );
  }
  return out;
}

/** `a<uid>-TCP-80` → `tcp-80`: the address of a child no desired resource claims (it will be deleted). */
const fallbackName = (childName: string): string =>
  childName.split('-').slice(1).join('-').toLowerCase() || childName;

const lastRg = (id: string | undefined): string => {
  const parts = (id ?? '').split('/');
  const i = parts.findIndex((p) => p.toLowerCase() === 'resourcegroups');
  return i < 0 ? '' : (parts[i + 1] ?? '');
};

function describeOwner(tags: Readonly<Record<string, string>>, cluster: string): string {
  const owner = tags[AZURE_CLUSTER_TAG];
  if (owner === undefined) return `it has no ${AZURE_CLUSTER_TAG} tag`;
  if (owner !== cluster) return `${AZURE_CLUSTER_TAG} is ${owner}, not ${cluster}`;
  return `it belongs to another Service (${AZURE_SERVICE_UID_TAG}=${tags[AZURE_SERVICE_UID_TAG] ?? 'none'})`;
}
