import type { LoadBalancer, PublicIPAddress } from '@azure/arm-network';
import { LbctlError, NotOwnedError } from '../../src/core/errors.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
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
import { pairAddresses } from './pair.js';
import {
  isAnyServiceChild,
  isServiceChild,
  loadBalancerName,
  publicIPName,
  serviceNamePrefix,
} from './names.js';
import { T } from './schemas.js';
import type { AzureSettings } from './settings.js';
import {
  AZURE_CLUSTER_TAG,
  AZURE_RESOURCE_TAG,
  AZURE_SERVICE_UID_TAG,
  isAzureOwned,
} from './tags.js';
import type { ArmCache } from './cache.js';
import {
  hasInTreeChildren,
  hasServiceFrontend,
  inTreeDetail,
  isInTreePublicIP,
} from './in-tree.js';

type Settings = Pick<AzureSettings, 'clusterName' | 'resourceGroup' | 'securityGroup' | 'vnet'>;

/**
 * The Service's resources as they exist: public IPs by name, owned when they carry this
 * cluster's and the Service UID's tags; the shared load balancers by name and this cluster's tag, and inside them the
 * frontend, probe and rules whose in-tree names carry the Service's UID; the same for the
 * rules of the cluster's (tagged) network security group. Reads only, all by name: the two
 * shared load balancers, the Service's public IP(s) and the security group, 4 calls for a
 * Service with one public IP whatever else the resource group holds.
 *
 * The shared load balancer is reported when this Service wants it, or when no other Service has
 * anything on it: deleting the last Service shows (and performs) their
 * deletion, while deleting one of several leaves them out of its plan. With `includeShared` (a
 * plan of several Services) it is reported with the other users' names too, and
 * src/plan/shared.ts decides over the whole plan. A Service that starts
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
  const out: Resource[] = [];

  // By name only (issue 9): the two shared load balancers, the Service's public IPs and the
  // security group; never a list of the resource group, so the cost is flat in its size.
  const lbs: LoadBalancer[] = [];
  for (const internal of [false, true]) {
    const name = loadBalancerName(s.clusterName, internal);
    const lb = cache.freshLoadBalancer(name) ?? (await api.get('loadBalancers', name));
    if (lb !== undefined) lbs.push(lb);
  }
  // The Service's public IPs: the names it wants (or would have by default, also when deleting),
  // and whatever its frontends point at (another resource group, a renamed public IP, or the
  // existing public IP holding a requested address).
  const wantedPips = new Map<string, { name: string; rg: string }>();
  const want = (name: string, rg: string) =>
    wantedPips.set(`${rg}/${name}`.toLowerCase(), { name, rg });
  want(publicIPName(s.clusterName, svc), s.resourceGroup);
  for (const r of request.desired)
    if (r.type === T.publicIP)
      want(
        String(r.attributes.name),
        typeof r.attributes.resource_group === 'string'
          ? r.attributes.resource_group
          : s.resourceGroup,
      );
  const referenced = new Map<string, { name: string; rg: string }>();
  for (const lb of lbs)
    for (const fe of lb.frontendIPConfigurations ?? [])
      if (isServiceChild(fe.name ?? '', svc) && fe.publicIPAddress?.id !== undefined) {
        const id = fe.publicIPAddress.id;
        referenced.set(id.toLowerCase(), { name: lastSegmentOf(id), rg: lastRg(id) });
      }
  const pips: { pip: PublicIPAddress; wanted: boolean }[] = [];
  for (const [key, at] of wantedPips) {
    const pip = await api.get('publicIPAddresses', at.name, at.rg);
    if (pip !== undefined) pips.push({ pip, wanted: true });
    for (const [id, ref] of referenced)
      if (`${ref.rg}/${ref.name}`.toLowerCase() === key) referenced.delete(id);
  }
  for (const ref of referenced.values()) {
    const pip = await api.get('publicIPAddresses', ref.name, ref.rg);
    if (pip !== undefined) pips.push({ pip, wanted: false });
  }
  const publicIPs = new Map<string, { address?: string; ip?: string; otherUid?: string }>();
  for (const { pip, wanted } of pips) {
    const tags = pip.tags ?? {};
    const mine = isAzureOwned(tags, s.clusterName) && tags[AZURE_SERVICE_UID_TAG] === svc.uid;
    if (wanted && !mine) {
      throw new NotOwnedError(
        `public IP ${pip.id ?? pip.name ?? ''}`,
        isInTreePublicIP(tags, s.clusterName, svc)
          ? inTreeDetail(svc)
          : describeOwner(tags, s.clusterName),
      );
    }
    if (!mine) {
      const otherUid = isAzureOwned(tags, s.clusterName) ? tags[AZURE_SERVICE_UID_TAG] : undefined;
      publicIPs.set((pip.id ?? '').toLowerCase(), {
        ...(pip.ipAddress === undefined ? {} : { ip: pip.ipAddress }),
        ...(otherUid === undefined ? {} : { otherUid }),
      });
      continue;
    }
    const address = tags[AZURE_RESOURCE_TAG] ?? `${T.publicIP}.${svcAddr}`;
    const rg = lastRg(pip.id);
    const wantRg = desired.get(address)?.attributes.resource_group;
    const elsewhere = rg.toLowerCase() !== s.resourceGroup.toLowerCase();
    out.push(
      observedPublicIP(pip, address, typeof wantRg === 'string' || elsewhere ? rg : undefined),
    );
    publicIPs.set((pip.id ?? '').toLowerCase(), { address });
  }

  for (const internal of [false, true]) {
    const shared = sharedAddresses(internal);
    const name = loadBalancerName(s.clusterName, internal);
    const lb = lbs.find((l) => l.name?.toLowerCase() === name.toLowerCase());
    if (lb === undefined) continue;
    if (!isAzureOwned(lb.tags, s.clusterName)) {
      if (desired.has(shared.lb))
        throw new NotOwnedError(
          `load balancer ${lb.id ?? name}`,
          lb.tags?.[AZURE_CLUSTER_TAG] === undefined && hasServiceFrontend(lb, svc)
            ? inTreeDetail(svc)
            : describeOwner(lb.tags ?? {}, s.clusterName),
        );
      continue;
    }
    cache.setLoadBalancer(lb);
    refuseNameCollision(lb, svc, publicIPs);
    // A taken-over shared load balancer may still hold Services in the in-tree shape (issue 12).
    if (hasInTreeChildren(lb, svc))
      throw new NotOwnedError(
        `the Service's rules on load balancer ${lb.id ?? name}`,
        inTreeDetail(svc),
      );
    out.push(
      ...serviceChildren(lb, {
        svcAddr,
        lbAddress: shared.lb,
        publicIPs,
        desired: request.desired,
        isMine: (n) => isServiceChild(n, svc),
        vnet: s.vnet,
      }),
    );
    const children = [
      lb.frontendIPConfigurations,
      lb.backendAddressPools,
      lb.probes,
      lb.loadBalancingRules,
    ].flatMap((l) => l ?? []);
    const others = otherHolders(children, svc);
    const observedLb = observedLoadBalancer(lb, shared.lb);
    if (desired.has(shared.lb) || others.length === 0) out.push(observedLb);
    else if (request.includeShared === true)
      out.push({ ...observedLb, shared: { holder: serviceNamePrefix(svc), others } });
  }

  const nsg =
    cache.freshSecurityGroup(s.securityGroup) ??
    (await api.get('networkSecurityGroups', s.securityGroup));
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
    const rules = (nsg.securityRules ?? []).filter((r) => isServiceChild(r.name ?? '', svc));
    const names = securityRuleNames(rules, request.desired);
    rules.forEach((rule, i) =>
      out.push(observedSecurityRule(rule, `${T.securityRule}.${names[i] ?? ''}`, s.securityGroup)),
    );
  }
  // A shared parent left out above must not dangle in the graph; references to it still order nothing.
  const present = new Set(out.map(addressOf));
  return out.map((r) => ({ ...r, dependsOn: r.dependsOn.filter((d) => present.has(d)) }));
}

/** Graph names for a Service's security rules, paired with the desired ones by protocol and port. */
export function securityRuleNames(
  rules: readonly { name?: string; protocol?: string; destinationPortRange?: string }[],
  desired: readonly Resource[],
): (string | undefined)[] {
  return pairAddresses(
    rules.map((r) => ({
      name: r.name ?? '',
      key: `${r.protocol ?? ''}|${r.destinationPortRange ?? ''}`,
    })),
    {
      type: T.securityRule,
      desired,
      keyOf: (d) =>
        `${String(d.attributes.protocol)}|${String(d.attributes.destination_port_range)}`,
    },
  );
}

/** The other Services with a child on a shared load balancer, by their names' prefix (`a` + UID). */
function otherHolders(children: readonly { name?: string }[], svc: ServiceIdentity): string[] {
  const out = new Set<string>();
  for (const c of children) {
    const name = c.name ?? '';
    if (!isServiceChild(name, svc) && isAnyServiceChild(name)) out.add(name.slice(0, 32));
  }
  return [...out].sort();
}

/**
 * In-tree names keep only 31 hex digits of the UID, so two UIDs that differ only in the last
 * digit share every child name. A frontend with our name whose public IP is tagged for another
 * Service reveals that: stop rather than edit the other Service's frontend and rules.
 */
function refuseNameCollision(
  lb: LoadBalancer,
  svc: ServiceIdentity,
  publicIPs: ReadonlyMap<string, { otherUid?: string }>,
): void {
  for (const fe of lb.frontendIPConfigurations ?? []) {
    if (!isServiceChild(fe.name ?? '', svc) || fe.publicIPAddress?.id === undefined) continue;
    const other = publicIPs.get(fe.publicIPAddress.id.toLowerCase())?.otherUid;
    if (other !== undefined && other !== svc.uid) {
      throw new NotOwnedError(
        `frontend ${fe.id ?? fe.name ?? ''}`,
        `its public IP belongs to Service UID ${other}: in-tree names keep only the first 31 hex digits of a UID, and ${svc.uid} shares them`,
      );
    }
  }
}

interface ChildContext {
  svcAddr: string;
  lbAddress: string;
  publicIPs: ReadonlyMap<string, { address?: string; ip?: string; otherUid?: string }>;
  desired: readonly Resource[];
  isMine: (childName: string) => boolean;
  vnet: string;
}

/** The Service's pool, frontend, probe and rules on one shared load balancer. */
function serviceChildren(lb: LoadBalancer, c: ChildContext): Resource[] {
  const out: Resource[] = [];
  const mine = <X extends { name?: string }>(l: X[] | undefined): X[] =>
    (l ?? []).filter((x) => c.isMine(x.name ?? ''));
  const byName = new Map<string, string>();
  const one = <X extends { name?: string }>(type: string, items: X[]): string[] => {
    const names = pairAddresses(
      items.map((x) => ({ name: x.name ?? '', key: '' })),
      { type, desired: c.desired, keyOf: () => '', first: c.svcAddr },
    );
    items.forEach((x, i) =>
      byName.set(`${type}/${(x.name ?? '').toLowerCase()}`, `${type}.${names[i] ?? ''}`),
    );
    return names.map((n) => `${type}.${n}`);
  };
  const pools = mine(lb.backendAddressPools);
  one(T.pool, pools).forEach((a, i) =>
    out.push(observedPool(pools[i] ?? {}, a, c.lbAddress, c.vnet)),
  );
  const frontends = mine(lb.frontendIPConfigurations);
  one(T.frontend, frontends).forEach((a, i) =>
    out.push(observedFrontend(frontends[i] ?? {}, a, c.lbAddress, c.publicIPs)),
  );
  const probes = mine(lb.probes);
  one(T.probe, probes).forEach((a, i) => out.push(observedProbe(probes[i] ?? {}, a, c.lbAddress)));
  const rules = mine(lb.loadBalancingRules);
  // A rule whose name changed (its port did) is the desired rule with the same protocol and nodePort.
  const names = pairAddresses(
    rules.map((r) => ({ name: r.name ?? '', key: `${r.protocol ?? ''}|${r.backendPort ?? ''}` })),
    {
      type: T.rule,
      desired: c.desired,
      keyOf: (d) => `${String(d.attributes.protocol)}|${String(d.attributes.backend_port)}`,
    },
  );
  const ref = (type: string) => (n: string) => byName.get(`${type}/${n.toLowerCase()}`) ?? n;
  rules.forEach((r, i) =>
    out.push(
      observedRule(r, `${T.rule}.${names[i] ?? ''}`, c.lbAddress, {
        frontend: ref(T.frontend),
        pool: ref(T.pool),
        probe: ref(T.probe),
      }),
    ),
  );
  return out;
}

const lastSegmentOf = (id: string): string => id.split('/').at(-1) ?? '';

export const lastRg = (id: string | undefined): string => {
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
