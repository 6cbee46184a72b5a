import type { LoadBalancer, PublicIPAddress, SecurityRule } from '@azure/arm-network';
import { InvalidInputError, LbctlError, NotOwnedError } from '../../src/core/errors.js';
import type { ObserveRequest } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import type { AzureApi } from './api.js';
import type { ArmCache } from './cache.js';
import { sharedAddresses } from './desired.js';
import {
  hasInTreeChildren,
  IN_TREE_PROVIDER,
  inTreeServicesOf,
  isInTreePublicIP,
} from './in-tree.js';
import {
  lastSegment,
  observedFrontend,
  observedLoadBalancer,
  observedPool,
  observedProbe,
  observedPublicIP,
  observedRule,
  observedSecurityRule,
} from './mapping.js';
import { isServiceChild, loadBalancerName, serviceNamePrefix } from './names.js';
import { lastRg, observeAzure, securityRuleNames } from './observe.js';
import { pairAddresses } from './pair.js';
import { T } from './schemas.js';
import type { AzureSettings } from './settings.js';
import { AZURE_CLUSTER_TAG, AZURE_SERVICE_UID_TAG, isAzureOwned } from './tags.js';

type Settings = Pick<AzureSettings, 'clusterName' | 'resourceGroup' | 'securityGroup' | 'vnet'>;

/**
 * Observe with adoption (ObserveRequest.adopt, issue 12 #2): the ordinary observe first, so a
 * Service lbctl already owns costs nothing more (the in-tree check is pure, on what it read);
 * only when it refuses something not owned is the in-tree provider's shape looked for (4 more
 * reads: both shared load balancers, the public IP, the security group; once per Service). A
 * Service that wants no load balancer adopts nothing.
 */
export async function observeAzureAdopting(
  api: AzureApi,
  s: Settings,
  request: ObserveRequest,
  cache: ArmCache,
): Promise<Resource[]> {
  try {
    return await observeAzure(api, s, request, cache);
  } catch (e) {
    if (!(e instanceof NotOwnedError) || request.adopt !== true || request.desired.length === 0)
      throw e;
    const adopted = await observeInTree(api, s, request);
    if (adopted === undefined) throw e;
    return adopted;
  }
}

/**
 * The in-tree provider's resources for the Service as an observed graph under the addresses
 * lbctl's desired graph gives them, every one not owned by lbctl marked `foreign`; undefined
 * when the Service has no in-tree frontend on either shared load balancer. Planned against the
 * desired graph this is a takeover in place: the load balancer and the public IP get lbctl's
 * tags, the frontend (and so the address) stays, the probe is renamed, the rules are repointed
 * to lbctl's own pool and probe and stop using floating IP. What is refused: a load balancer
 * tagged for another cluster, a public IP another Service (or cluster) shares, a security group
 * lbctl may not write.
 */
async function observeInTree(
  api: AzureApi,
  s: Settings,
  request: ObserveRequest,
): Promise<Resource[] | undefined> {
  const svc = request.service;
  const svcAddr = `${svc.namespace}-${svc.name}`;
  let found: { lb: LoadBalancer; address: string } | undefined;
  for (const internal of [false, true]) {
    const lb = await api.get('loadBalancers', loadBalancerName(s.clusterName, internal));
    const fe = lb?.frontendIPConfigurations?.find((f) => isServiceChild(f.name ?? '', svc));
    if (lb !== undefined && fe !== undefined && found === undefined)
      found = { lb, address: sharedAddresses(internal).lb };
  }
  if (found === undefined) return undefined;
  const { lb, address: lbAddress } = found;
  // A Service whose scheme changed since the in-tree provider served it is not a takeover.
  if (!request.desired.some((r) => addressOf(r) === lbAddress)) return undefined;
  const owner = lb.tags?.[AZURE_CLUSTER_TAG];
  if (owner !== undefined && owner !== s.clusterName) return undefined;
  const lbOwned = isAzureOwned(lb.tags, s.clusterName);
  if (lbOwned && !hasInTreeChildren(lb, svc)) return undefined;

  const frontend = refuseRenamedFrontend(lb, svc);

  const foreign = (r: Resource): Resource => ({ ...r, foreign: { madeBy: IN_TREE_PROVIDER } });
  const out: Resource[] = [
    lbOwned ? observedLoadBalancer(lb, lbAddress) : foreign(observedLoadBalancer(lb, lbAddress)),
  ];
  const publicIPs = new Map<string, { address?: string; ip?: string }>();
  const pipId = frontend?.publicIPAddress?.id;
  if (pipId !== undefined) {
    const pip = await publicIPOf(api, pipId);
    if (pip === undefined)
      throw new LbctlError(
        'conflict',
        `public IP ${pipId} of frontend ${frontend?.name ?? ''} was not found`,
      );
    const address = `${T.publicIP}.${svcAddr}`;
    // Only the Service's own in-tree public IP is taken over, and one it was given (a requested
    // IP: lbctl wants no public IP of its own) stays outside the graph, referenced by its address
    // as lbctl does; one the Service would own but that other Services share is refused.
    // A takeover interrupted after the public IP got lbctl's tags finds it lbctl's: not foreign.
    const tags = pip.tags ?? {};
    const ours = isAzureOwned(tags, s.clusterName) && tags[AZURE_SERVICE_UID_TAG] === svc.uid;
    const inTree = isInTreePublicIP(tags, s.clusterName, svc);
    const wanted = request.desired.some((r) => addressOf(r) === address);
    if (wanted && !inTree && !ours)
      throw new NotOwnedError(
        `public IP ${pip.id ?? pipId}`,
        `the Service's frontend uses it, but its tags (${AZURE_CLUSTER_TAG}=${tags[AZURE_CLUSTER_TAG] ?? 'none'}, k8s-azure-service=${inTreeServicesOf(tags).join(',') || 'none'}) do not name this Service alone in this cluster: a public IP other Services share is not taken over; move the Service blue/green (docs/migrating.md)`,
      );
    if (wanted) {
      const rg = lastRg(pip.id);
      const elsewhere = rg.toLowerCase() !== s.resourceGroup.toLowerCase();
      const observed = observedPublicIP(pip, address, elsewhere ? rg : undefined);
      out.push(inTree ? foreign(observed) : observed);
      publicIPs.set(pipId.toLowerCase(), { address });
    } else
      publicIPs.set(pipId.toLowerCase(), pip.ipAddress === undefined ? {} : { ip: pip.ipAddress });
  }
  // lbctl's own pool of this Service, when an interrupted takeover already created it.
  const pool = lb.backendAddressPools?.find(
    (b) => b.name?.toLowerCase() === serviceNamePrefix(svc).toLowerCase(),
  );
  if (pool !== undefined) out.push(observedPool(pool, `${T.pool}.${svcAddr}`, lbAddress, s.vnet));
  out.push(
    ...inTreeChildren(lb, { svcAddr, lbAddress, publicIPs, request, vnet: s.vnet }).map(foreign),
  );
  out.push(...(await inTreeSecurityRules(api, s, request)).map(foreign));
  linkLegacySecurityRules(out);
  const present = new Set(out.map(addressOf));
  return out.map((r) => ({ ...r, dependsOn: r.dependsOn.filter((d) => present.has(d)) }));
}

/**
 * The Service's one frontend, named exactly `a<uid>`. The in-tree provider names it otherwise
 * for a dual-stack Service (`-IPv6` suffixes) or one with `azure-load-balancer-internal-subnet`
 * (`a<uid>-<subnet>`); lbctl's name would rename it, and a renamed frontend is a new ARM child
 * whose dynamic private address may differ: not adopted.
 */
function refuseRenamedFrontend(lb: LoadBalancer, svc: ObserveRequest['service']) {
  const frontends = (lb.frontendIPConfigurations ?? []).filter((f) =>
    isServiceChild(f.name ?? '', svc),
  );
  const wanted = serviceNamePrefix(svc);
  const frontend = frontends[0];
  if (frontends.length !== 1 || frontend?.name?.toLowerCase() !== wanted) {
    throw new InvalidInputError(`Service ${svc.namespace}/${svc.name}`, [
      {
        type: 'Invalid',
        field: 'frontend IP configurations',
        value: frontends.map((f) => f.name ?? '').join(', '),
        detail: `adoption takes over one frontend named ${wanted} (a single-stack Service without azure-load-balancer-internal-subnet); lbctl would rename these, which may change a private address; move this Service blue/green (docs/migrating.md)`,
      },
    ]);
  }
  return frontend;
}

async function publicIPOf(api: AzureApi, id: string): Promise<PublicIPAddress | undefined> {
  return api.get('publicIPAddresses', lastSegment(id), lastRg(id));
}

/**
 * The frontend, probes and rules, paired with lbctl's addresses: the frontend is the one; the
 * probe lbctl wants is the in-tree probe on the same port (renamed in place), the others are
 * left over (deleted after the rules leave them); rules pair by name (the same convention).
 */
function inTreeChildren(
  lb: LoadBalancer,
  c: {
    svcAddr: string;
    lbAddress: string;
    publicIPs: ReadonlyMap<string, { address?: string; ip?: string }>;
    request: ObserveRequest;
    vnet: string;
  },
): Resource[] {
  const svc = c.request.service;
  const mine = <X extends { name?: string }>(l: X[] | undefined): X[] =>
    (l ?? []).filter((x) => isServiceChild(x.name ?? '', svc));
  const out: Resource[] = [];
  const byName = new Map<string, string>();
  const frontends = mine(lb.frontendIPConfigurations);
  frontends.forEach((fe, i) => {
    const address = `${T.frontend}.${i === 0 ? c.svcAddr : (fe.name ?? '').toLowerCase()}`;
    byName.set(`${T.frontend}/${(fe.name ?? '').toLowerCase()}`, address);
    out.push(observedFrontend(fe, address, c.lbAddress, c.publicIPs));
  });
  const probes = mine(lb.probes);
  const probeNames = pairAddresses(
    probes.map((p) => ({ name: p.name ?? '', key: String(p.port ?? '') })),
    { type: T.probe, desired: c.request.desired, keyOf: (d) => String(d.attributes.port) },
  );
  probes.forEach((p, i) => {
    const address = `${T.probe}.${probeNames[i] ?? ''}`;
    byName.set(`${T.probe}/${(p.name ?? '').toLowerCase()}`, address);
    out.push(observedProbe(p, address, c.lbAddress));
  });
  const rules = mine(lb.loadBalancingRules);
  const ruleNames = pairAddresses(
    rules.map((r) => ({ name: r.name ?? '', key: `${r.protocol ?? ''}|${r.frontendPort ?? ''}` })),
    {
      type: T.rule,
      desired: c.request.desired,
      keyOf: (d) => `${String(d.attributes.protocol)}|${String(d.attributes.frontend_port)}`,
    },
  );
  const ref = (type: string) => (n: string) => byName.get(`${type}/${n.toLowerCase()}`) ?? n;
  rules.forEach((r, i) =>
    out.push(
      observedRule(r, `${T.rule}.${ruleNames[i] ?? ''}`, c.lbAddress, {
        frontend: ref(T.frontend),
        // The in-tree `<cluster>` pool is every Service's: outside the graph, never touched.
        pool: (n) => n,
        probe: ref(T.probe),
      }),
    ),
  );
  return out;
}

/**
 * Security rules of the Service by name: only the per-Service rules of in-tree versions before
 * v1.30 (`<frontend>-<PROTOCOL>-<port>-<source>`). They are left over (lbctl's rules open the
 * nodePort instead) and deleted once the load-balancing rules no longer use floating IP. The
 * shared `k8s-azure-lb_*` rules of later versions belong to every Service and are not touched.
 * The group itself must carry this cluster's tag: lbctl writes its rules there.
 */
async function inTreeSecurityRules(
  api: AzureApi,
  s: Settings,
  request: ObserveRequest,
): Promise<Resource[]> {
  const nsg = await api.get('networkSecurityGroups', s.securityGroup);
  const wantsRules = request.desired.some((r) => r.type === T.securityRule);
  if (nsg === undefined) {
    if (!wantsRules) return [];
    throw new LbctlError(
      'invalid',
      `azure provider settings: security-group: network security group ${s.securityGroup} was not found in resource group ${s.resourceGroup}`,
    );
  }
  if (!isAzureOwned(nsg.tags, s.clusterName)) {
    if (!wantsRules) return [];
    throw new NotOwnedError(
      `network security group ${nsg.id ?? s.securityGroup}`,
      `it has no ${AZURE_CLUSTER_TAG} tag; tag it ${AZURE_CLUSTER_TAG}=${s.clusterName} to let lbctl manage its rules (docs/migrating.md, "Azure")`,
    );
  }
  const rules = (nsg.securityRules ?? []).filter((r: SecurityRule) =>
    isServiceChild(r.name ?? '', request.service),
  );
  const names = securityRuleNames(rules, request.desired);
  return rules.map((r, i) =>
    observedSecurityRule(r, `${T.securityRule}.${names[i] ?? ''}`, s.securityGroup),
  );
}

/**
 * A left-over in-tree security rule admits its load-balancing rule's traffic until that rule
 * stops using floating IP: the observed rule depends on it, so its delete comes after the update.
 */
function linkLegacySecurityRules(out: Resource[]): void {
  const rules = out.filter((r) => r.type === T.rule);
  for (const sr of out.filter((r) => r.type === T.securityRule)) {
    const port = String(sr.attributes.destination_port_range);
    const protocol = String(sr.attributes.protocol).toLowerCase();
    for (const r of rules) {
      if (
        String(r.attributes.frontend_port) === port &&
        String(r.attributes.protocol).toLowerCase() === protocol
      )
        r.dependsOn.push(addressOf(sr));
    }
  }
}
