import type { LoadBalancer, PublicIPAddress } from '@azure/arm-network';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { OwnedResource } from '../../src/core/provider.js';
import type { Resource } from '../../src/core/resource.js';
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
import { isAnyServiceChild, loadBalancerName, parseSecurityRuleDescription } from './names.js';
import { T } from './schemas.js';
import type { AzureSettings } from './settings.js';
import {
  AZURE_RESOURCE_TAG,
  AZURE_SERVICE_TAG,
  AZURE_SERVICE_UID_TAG,
  isAzureOwned,
} from './tags.js';

type Settings = Pick<AzureSettings, 'clusterName' | 'resourceGroup' | 'vnet'>;
/** A Service known by the sweep, under the 32-character prefix of its children's names. */
type Known = ServiceIdentity & { complete: boolean };

const prefixOf = (childName: string): string => childName.split('-')[0] ?? '';
const uidPrefix = (uid: string): string => `a${uid.replaceAll('-', '')}`.slice(0, 32);

/**
 * Everything in the resource group that carries this cluster's tag, listed once (3 paged lists:
 * load balancers, public IPs, security groups), reads only. Public IPs name their Service in
 * their tags; children of the shared load balancers and security rules carry no tags, so they
 * are attributed through the Service's public IP or its security rules' descriptions (full
 * UID, listener, Service name). A child whose Service cannot be told exactly (its address would
 * be a guess) is reported without one: the orphan planner never deletes what it cannot
 * attribute. The shared load balancer is reported once per Service that has something on it
 * (its delete step keeps a load balancer others still use), or without a Service when empty.
 */
export async function sweepAzure(api: AzureApi, s: Settings): Promise<OwnedResource[]> {
  const [lbs, pips, nsgs] = [
    await api.list('loadBalancers'),
    await api.list('publicIPAddresses'),
    await api.list('networkSecurityGroups'),
  ];
  const known = new Map<string, Known>();
  const learn = (k: Known) => {
    const p = uidPrefix(k.uid);
    const had = known.get(p);
    if (had === undefined || (!had.complete && k.complete)) known.set(p, k);
  };
  const out: OwnedResource[] = [];
  const ownedPips = pips.filter((p) => isAzureOwned(p.tags, s.clusterName));
  for (const pip of ownedPips) {
    const who = pipOwner(pip);
    if (who !== undefined) learn(who);
  }
  const ownedNsgs = nsgs.filter((n) => isAzureOwned(n.tags, s.clusterName));
  const listenerOf = new Map<string, string>(); // child name (lower case) → listener graph name
  for (const nsg of ownedNsgs)
    for (const r of nsg.securityRules ?? []) {
      const d = parseSecurityRuleDescription(r.description);
      if (d === undefined || r.name === undefined) continue;
      listenerOf.set(r.name.toLowerCase(), d.listener);
      learn({
        uid: d.uid,
        namespace: d.namespace ?? '',
        name: d.name ?? '',
        complete: d.namespace !== undefined,
      });
    }
  const serviceOf = (childName: string): Known | undefined => {
    const k = known.get(prefixOf(childName));
    return k?.complete === true ? k : undefined;
  };
  const svcAddr = (k: Known) => `${k.namespace}-${k.name}`;
  const identity = (k: Known): ServiceIdentity => ({
    namespace: k.namespace,
    name: k.name,
    uid: k.uid,
  });
  const push = (resource: Resource, k: Known | undefined) =>
    out.push(k === undefined ? { resource } : { resource, service: identity(k) });

  const publicIPs = new Map<string, { address?: string; ip?: string }>();
  for (const pip of ownedPips) {
    const k = pipOwner(pip);
    const address =
      pip.tags?.[AZURE_RESOURCE_TAG] ??
      (k === undefined ? undefined : `${T.publicIP}.${svcAddr(k)}`);
    if (address === undefined) continue;
    publicIPs.set((pip.id ?? '').toLowerCase(), { address });
    push(observedPublicIP(pip, address, undefined), k);
  }
  for (const internal of [false, true]) {
    const name = loadBalancerName(s.clusterName, internal);
    const lb = lbs.find((l) => l.name?.toLowerCase() === name.toLowerCase());
    if (lb === undefined || !isAzureOwned(lb.tags, s.clusterName)) continue;
    const lbAddress = sharedAddresses(internal).lb;
    const users = lbChildren(lb, {
      lbAddress,
      vnet: s.vnet,
      publicIPs,
      serviceOf,
      svcAddr,
      listenerOf,
      push,
    });
    const shared = observedLoadBalancer(lb, lbAddress);
    if (users.size === 0) push(shared, undefined);
    for (const k of users.values()) push(shared, k);
  }
  for (const nsg of ownedNsgs)
    for (const r of nsg.securityRules ?? []) {
      if (!isAnyServiceChild(r.name ?? '')) continue;
      const listener = listenerOf.get((r.name ?? '').toLowerCase());
      const k = listener === undefined ? undefined : serviceOf(r.name ?? '');
      push(
        observedSecurityRule(r, `${T.securityRule}.${listener ?? r.name ?? ''}`, nsg.name ?? ''),
        k,
      );
    }
  return out;
}

function pipOwner(pip: PublicIPAddress): Known | undefined {
  const uid = pip.tags?.[AZURE_SERVICE_UID_TAG];
  const key = pip.tags?.[AZURE_SERVICE_TAG];
  const slash = key?.indexOf('/') ?? -1;
  if (uid === undefined || key === undefined || slash <= 0) return undefined;
  return { uid, namespace: key.slice(0, slash), name: key.slice(slash + 1), complete: true };
}

interface ChildContext {
  lbAddress: string;
  vnet: string;
  publicIPs: ReadonlyMap<string, { address?: string; ip?: string }>;
  serviceOf: (childName: string) => Known | undefined;
  svcAddr: (k: Known) => string;
  listenerOf: ReadonlyMap<string, string>;
  push: (r: Resource, k: Known | undefined) => void;
}

/** Reports the per-Service children of one shared load balancer; returns the Services on it. */
function lbChildren(lb: LoadBalancer, c: ChildContext): Map<string, Known> {
  const users = new Map<string, Known>();
  const each = <X extends { name?: string }>(
    items: X[] | undefined,
    report: (x: X, k: Known | undefined) => void,
  ) => {
    for (const x of items ?? []) {
      if (!isAnyServiceChild(x.name ?? '')) continue;
      const k = c.serviceOf(x.name ?? '');
      if (k !== undefined) users.set(k.uid, k);
      report(x, k);
    }
  };
  const one = (type: string, k: Known | undefined, name: string) =>
    `${type}.${k === undefined ? name : c.svcAddr(k)}`;
  each(lb.backendAddressPools, (x, k) =>
    c.push(observedPool(x, one(T.pool, k, x.name ?? ''), c.lbAddress, c.vnet), k),
  );
  each(lb.frontendIPConfigurations, (x, k) =>
    c.push(observedFrontend(x, one(T.frontend, k, x.name ?? ''), c.lbAddress, c.publicIPs), k),
  );
  each(lb.probes, (x, k) =>
    c.push(observedProbe(x, one(T.probe, k, x.name ?? ''), c.lbAddress), k),
  );
  each(lb.loadBalancingRules, (x, k) => {
    const listener = c.listenerOf.get((x.name ?? '').toLowerCase());
    const owner = listener === undefined ? undefined : k;
    const ref = (type: string) => (n: string) => {
      const kk = c.serviceOf(n);
      return kk === undefined ? n : `${type}.${c.svcAddr(kk)}`;
    };
    c.push(
      observedRule(x, `${T.rule}.${listener ?? x.name ?? ''}`, c.lbAddress, {
        frontend: ref(T.frontend),
        pool: ref(T.pool),
        probe: ref(T.probe),
      }),
      owner,
    );
  });
  return users;
}
