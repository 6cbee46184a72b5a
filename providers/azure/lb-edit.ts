import type { BackendAddressPool, LoadBalancer } from '@azure/arm-network';
import { LbctlError, NotOwnedError } from '../../src/core/errors.js';
import type { Step } from '../../src/core/plan.js';
import { StaleEtagError } from './api.js';
import type { Parent } from './rmw.js';
import { isAzureOwned } from './tags.js';
import type { Attributes, Value } from '../../src/core/resource.js';
import { lastSegment } from './mapping.js';
import { removeByName } from './rmw.js';
import { T } from './schemas.js';

/** Edits of one Service's children inside a shared load balancer body (pure; the caller writes it). */

const str = (a: Attributes, k: string): string => (typeof a[k] === 'string' ? a[k] : '');

const LISTS = {
  [T.pool]: ['backendAddressPools', 'backendAddressPool'],
  [T.frontend]: ['frontendIPConfigurations', 'frontendIPConfiguration'],
  [T.probe]: ['probes', 'probe'],
  [T.rule]: ['loadBalancingRules', ''],
} as const;

/**
 * Renames a child in place (its port or health-check port changed) and repoints the rules that
 * referenced the old name, so the one write stays valid; ARM would refuse a dangling reference.
 */
export function renameChild(
  lb: LoadBalancer,
  { type, from, to }: { type: string; from: string; to: string },
  childId: (kind: string, name: string) => string,
): boolean {
  const [list, refKey] = LISTS[type as keyof typeof LISTS];
  const items = (lb[list] ?? []) as { name?: string; id?: string }[];
  const item = items.find((i) => i.name?.toLowerCase() === from.toLowerCase());
  if (item === undefined || items.some((i) => i.name?.toLowerCase() === to.toLowerCase()))
    return false;
  item.name = to;
  delete item.id;
  if (refKey !== '') {
    for (const rule of lb.loadBalancingRules ?? []) {
      const ref = rule[refKey];
      if (ref !== undefined && lastSegment(ref.id).toLowerCase() === from.toLowerCase())
        ref.id = childId(list, to);
    }
  }
  return true;
}

/** Removes a child; a pool still used by other Services' rules is kept. */
export function deleteChild(lb: LoadBalancer, type: string, name: string): boolean {
  switch (type) {
    case T.pool: {
      const used = (lb.loadBalancingRules ?? []).some(
        (rule) => lastSegment(rule.backendAddressPool?.id).toLowerCase() === name.toLowerCase(),
      );
      return used ? false : removeByName(lb.backendAddressPools, name);
    }
    case T.frontend:
      return removeByName(lb.frontendIPConfigurations, name);
    case T.probe:
      return removeByName(lb.probes, name);
    default:
      return removeByName(lb.loadBalancingRules, name);
  }
}

/** Creates the pool with the desired members, or changes only the members in the plan's delta. */
export function upsertPool(lb: LoadBalancer, vnetId: string, a: Attributes, step: Step): boolean {
  const pools = (lb.backendAddressPools ??= []);
  const name = str(a, 'name');
  const vnet = { id: vnetId };
  const member = (ip: string) => ({ name: ip, ipAddress: ip, virtualNetwork: vnet });
  let pool: BackendAddressPool | undefined = pools.find(
    (p) => p.name?.toLowerCase() === name.toLowerCase(),
  );
  const desired = (a.addresses as Value[]).map(String);
  if (pool === undefined) {
    pools.push({ name, loadBalancerBackendAddresses: desired.map(member) });
    return true;
  }
  const delta =
    step.action === 'update' ? step.setDeltas.find((d) => d.path === 'addresses') : undefined;
  const current = pool.loadBalancerBackendAddresses ?? [];
  const has = new Set(current.map((b) => b.ipAddress));
  const add = (delta === undefined ? desired : delta.add.map(String)).filter((ip) => !has.has(ip));
  const remove = new Set(
    delta === undefined
      ? current.map((b) => b.ipAddress ?? '').filter((ip) => !desired.includes(ip))
      : delta.remove.map(String),
  );
  const kept = current.filter((b) => !remove.has(b.ipAddress ?? ''));
  if (add.length === 0 && kept.length === current.length) return false;
  pool = { ...pool, loadBalancerBackendAddresses: [...kept, ...add.map(member)] };
  pools[pools.findIndex((p) => p.name?.toLowerCase() === name.toLowerCase())] = pool;
  return true;
}

/**
 * Writes one Service's pool and its members through the backend-pool API
 * (`LoadBalancerBackendAddressPools.CreateOrUpdate`): ARM drops IP-based members sent inside a
 * load balancer PUT. Starts from the cached load balancer (or reads it), applies the plan's
 * delta, and writes with the pool's etag (its load balancer's); a 412 re-reads and re-applies.
 * The pool is this Service's own, so no other Service's members are ever in the body.
 */
export async function writePool(
  p: Parent,
  o: { lbName: string; vnetId: string; attributes: Attributes; step: Step },
): Promise<BackendAddressPool> {
  const name = str(o.attributes, 'name');
  for (let attempt = 0; attempt < 16; attempt++) {
    const lb = p.cache.loadBalancer(o.lbName) ?? (await p.api.get('loadBalancers', o.lbName));
    if (lb === undefined)
      throw new LbctlError('conflict', `load balancer ${o.lbName} does not exist (yet)`);
    if (!isAzureOwned(lb.tags, p.clusterName))
      throw new NotOwnedError(
        `load balancer ${lb.id ?? o.lbName}`,
        `it lacks k8s-azure-cluster-name=${p.clusterName}`,
      );
    p.cache.setLoadBalancer(lb);
    const byName = (x: { name?: string }) => x.name?.toLowerCase() === name.toLowerCase();
    const before = lb.backendAddressPools?.find(byName);
    const next = structuredClone(lb);
    const changed = upsertPool(next, o.vnetId, o.attributes, o.step);
    const pool = next.backendAddressPools?.find(byName) ?? { name };
    if (!changed && before !== undefined) return before;
    const etag = before?.etag ?? lb.etag;
    try {
      const written = await p.api.putPool(
        o.lbName,
        name,
        { name, loadBalancerBackendAddresses: pool.loadBalancerBackendAddresses ?? [] },
        before === undefined || etag === undefined ? {} : { ifMatch: etag },
      );
      // The load balancer's etag changed with its pool: the next edit reads it again.
      p.cache.dropLoadBalancer(o.lbName);
      return written;
    } catch (e) {
      p.cache.dropLoadBalancer(o.lbName);
      if (!(e instanceof StaleEtagError)) throw e;
      await p.pause(attempt);
    }
  }
  throw new LbctlError('conflict', `backend pool ${name}: still changing under us`);
}
