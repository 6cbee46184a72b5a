import type { LoadBalancer } from '@azure/arm-network';
import { LbctlError, NotOwnedError } from '../../src/core/errors.js';
import type { ExecuteRequest } from '../../src/core/provider.js';
import { addressOf, type Attributes, type Resource } from '../../src/core/resource.js';
import { type AzureApi, StaleEtagError } from './api.js';
import type { ArmCache } from './cache.js';
import { deletePublicIP, ensurePublicIP, mergeTags, securityRule } from './execute-parts.js';
import { type ArmIds, observedLoadBalancer, sdkFrontend, sdkProbe, sdkRule } from './mapping.js';
import { deleteChild, renameChild, writePool } from './lb-edit.js';
import { mutateLoadBalancer, upsertByName } from './rmw.js';
import { loadBalancerName } from './names.js';
import { T } from './schemas.js';
import type { AzureSettings } from './settings.js';
import { isAzureOwned } from './tags.js';

export interface ExecuteContext {
  api: AzureApi;
  /** Jittered wait after losing a read-modify-write race (attempt number from 0). */
  pause: (attempt: number) => Promise<void>;
  cache: ArmCache;
  ids: ArmIds;
  settings: Pick<AzureSettings, 'clusterName' | 'resourceGroup' | 'vnet' | 'securityGroup'>;
}

/**
 * One plan step. Children of the shared load balancer and of the security group are changed by
 * read-modify-write of their parent with `If-Match`; the shared load balancer and its pool are
 * only removed when no other Service's frontend or rule is left on them (otherwise their delete
 * succeeds without a call: from this Service's point of view they are gone).
 */
export async function executeAzure(
  c: ExecuteContext,
  request: ExecuteRequest,
): Promise<Resource | undefined> {
  const { step } = request;
  const r = step.action === 'delete' ? step.before : step.after;
  if (r === undefined) throw new TypeError(`step ${step.address} (${step.action}) has no resource`);
  switch (r.type) {
    case T.lb:
      return step.action === 'delete'
        ? deleteLoadBalancer(c, r)
        : ensureLoadBalancer(c, r, step.adopts !== undefined);
    case T.publicIP:
      return step.action === 'delete'
        ? deletePublicIP(c, r)
        : ensurePublicIP(c, r, {
            create: step.action === 'create',
            adopting: step.adopts !== undefined,
          });
    case T.securityRule:
      return securityRule(c, step, r);
    case T.pool:
    case T.frontend:
    case T.probe:
    case T.rule:
      return lbChild(c, request, r);
    default:
      throw new TypeError(`azure: unknown resource type ${r.type} at ${step.address}`);
  }
}

const str = (a: Attributes, k: string): string => (typeof a[k] === 'string' ? a[k] : '');
const lbNameOf = (c: ExecuteContext, lbAddress: string): string =>
  loadBalancerName(c.settings.clusterName, lbAddress.endsWith('-internal'));

async function ensureLoadBalancer(
  c: ExecuteContext,
  r: Resource,
  adopting: boolean,
): Promise<Resource> {
  const name = str(r.attributes, 'name');
  const tags = r.attributes.tags as Record<string, string>;
  const parent = {
    api: c.api,
    cache: c.cache,
    clusterName: c.settings.clusterName,
    pause: c.pause,
    adopting,
  };
  let lb = await mutateLoadBalancer(parent, name, (x) => mergeTags(x, tags));
  if (lb === undefined) {
    try {
      lb = await c.api.put(
        'loadBalancers',
        name,
        { location: str(r.attributes, 'location'), sku: { name: str(r.attributes, 'sku') }, tags },
        { ifNoneMatch: '*' },
      );
      c.cache.setLoadBalancer(lb);
    } catch (e) {
      if (!(e instanceof StaleEtagError)) throw e;
      lb = await mutateLoadBalancer(parent, name, (x) => mergeTags(x, tags)); // created meanwhile by another Service: adopt
    }
  }
  if (lb === undefined)
    throw new LbctlError('conflict', `load balancer ${name} disappeared while being created`);
  return observedLoadBalancer(lb, addressOf(r));
}

const deleteLoadBalancer = (c: ExecuteContext, r: Resource): Promise<undefined> =>
  deleteLoadBalancerIfUnused(c, str(r.attributes, 'name'));

const isEmpty = (lb: LoadBalancer): boolean =>
  [lb.frontendIPConfigurations, lb.loadBalancingRules, lb.probes, lb.backendAddressPools].every(
    (l) => (l ?? []).length === 0,
  );

/** Deletes a shared load balancer that nothing is on any more (re-read, If-Match); keeps it otherwise. */
async function deleteLoadBalancerIfUnused(c: ExecuteContext, name: string): Promise<undefined> {
  if (c.cache.isLoadBalancerDeleted(name)) return undefined;
  for (let attempt = 0; attempt < 8; attempt++) {
    const lb = c.cache.loadBalancer(name) ?? (await c.api.get('loadBalancers', name));
    if (lb === undefined) return undefined;
    if (!isAzureOwned(lb.tags, c.settings.clusterName))
      throw new NotOwnedError(`load balancer ${lb.id ?? name}`, "it lacks this cluster's tag");
    if (!isEmpty(lb)) return undefined; // another Service still uses it
    try {
      await c.api.delete('loadBalancers', name, { ifMatch: lb.etag ?? '*' });
      c.cache.markLoadBalancerDeleted(name);
      return undefined;
    } catch (e) {
      c.cache.dropLoadBalancer(name);
      if (!(e instanceof StaleEtagError)) throw e;
      await c.pause(attempt);
    }
  }
  throw new LbctlError('conflict', `load balancer ${name}: still changing under us`);
}

async function lbChild(
  c: ExecuteContext,
  request: ExecuteRequest,
  r: Resource,
): Promise<Resource | undefined> {
  const { step } = request;
  const a = r.attributes;
  const lbName = lbNameOf(c, str(a, 'loadbalancer'));
  const name = str(a, 'name');
  const parent = {
    api: c.api,
    cache: c.cache,
    clusterName: c.settings.clusterName,
    pause: c.pause,
    adopting: step.adopts !== undefined,
  };
  if (r.type === T.pool && step.action !== 'delete') {
    const pool = await writePool(parent, {
      lbName,
      vnetId: c.ids.vnet(str(a, 'virtual_network')),
      attributes: a,
      step,
    });
    const addresses = (pool.loadBalancerBackendAddresses ?? []).map((b) => b.ipAddress ?? '');
    return {
      ...r,
      id: c.ids.lbChild(lbName, 'backendAddressPools', name),
      attributes: { ...a, addresses: [...new Set(addresses)].sort() },
    };
  }
  const childRefs = r.type === T.frontend ? await frontendRefs(c, request, a) : {};
  const oldName = step.action === 'update' ? str(step.before?.attributes ?? {}, 'name') : name;
  const lb = await mutateLoadBalancer(parent, lbName, (x) => {
    if (step.action === 'delete') return deleteChild(x, r.type, name);
    const renamed =
      oldName !== '' &&
      oldName.toLowerCase() !== name.toLowerCase() &&
      renameChild(x, { type: r.type, from: oldName, to: name }, c.ids.lbChild.bind(null, lbName));
    return upsertChild(x, r.type) || renamed;
  });
  function upsertChild(x: LoadBalancer, type: string): boolean {
    switch (type) {
      case T.frontend:
        return upsertByName((x.frontendIPConfigurations ??= []), sdkFrontend(a, childRefs));
      case T.probe:
        return upsertByName((x.probes ??= []), sdkProbe(a));
      default:
        return upsertByName(
          (x.loadBalancingRules ??= []),
          sdkRule(a, {
            frontend: c.ids.lbChild(
              lbName,
              'frontendIPConfigurations',
              refName(request, a, 'frontend_ip_configuration'),
            ),
            pool: c.ids.lbChild(
              lbName,
              'backendAddressPools',
              refName(request, a, 'backend_address_pool'),
            ),
            probe: c.ids.lbChild(lbName, 'probes', refName(request, a, 'probe')),
          }),
        );
    }
  }
  if (step.action === 'delete') {
    // The Service's last piece is gone and nobody else is on the load balancer: delete it now.
    // Its plan may not show this when, at planning time, other Services still used it (they
    // were being deleted too, as in `lbctl destroy`); the in-tree provider does the same.
    const lbAddress = str(a, 'loadbalancer');
    const stillMine = [...request.state.values()].some(
      (s) => s.attributes.loadbalancer === lbAddress && addressOf(s) !== step.address,
    );
    if (!stillMine && lb !== undefined && isEmpty(lb)) await deleteLoadBalancerIfUnused(c, lbName);
    return undefined;
  }
  if (lb === undefined)
    throw new LbctlError(
      'conflict',
      `${step.address}: load balancer ${lbName} does not exist (yet)`,
    );
  const kind = {
    [T.pool]: 'backendAddressPools',
    [T.frontend]: 'frontendIPConfigurations',
    [T.probe]: 'probes',
    [T.rule]: 'loadBalancingRules',
  }[r.type] as string;
  const attributes = { ...a };
  if (r.type === T.frontend) {
    const fe = lb.frontendIPConfigurations?.find(
      (f) => f.name?.toLowerCase() === name.toLowerCase(),
    );
    if (fe?.privateIPAddress !== undefined) attributes.private_ip_address = fe.privateIPAddress;
  }
  return { ...r, id: c.ids.lbChild(lbName, kind, name), attributes };
}

function refName(request: ExecuteRequest, a: Attributes, key: string): string {
  const address = str(a, key);
  const name = request.state.get(address)?.attributes.name;
  if (typeof name !== 'string')
    throw new LbctlError('conflict', `${request.step.address}: ${key} ${address} is not known yet`);
  return name;
}

async function frontendRefs(
  c: ExecuteContext,
  request: ExecuteRequest,
  a: Attributes,
): Promise<{ publicIPId?: string; subnetId?: string }> {
  if (typeof a.subnet === 'string') return { subnetId: c.ids.subnet(c.settings.vnet, a.subnet) };
  if (typeof a.public_ip === 'string') {
    const pip = request.state.get(a.public_ip);
    if (pip === undefined)
      throw new LbctlError('conflict', `${request.step.address}: ${a.public_ip} is not known yet`);
    const rg = pip.attributes.resource_group;
    return {
      publicIPId:
        pip.id ??
        c.ids.publicIP(str(pip.attributes, 'name'), typeof rg === 'string' ? rg : undefined),
    };
  }
  const ip = str(a, 'public_ip_address');
  const match = (await c.api.list('publicIPAddresses')).find((p) => p.ipAddress === ip);
  if (match?.id === undefined) {
    throw new LbctlError(
      'invalid',
      `${request.step.address}: no public IP address in resource group ${c.settings.resourceGroup} holds the requested address ${ip} (spec.loadBalancerIP); create one or remove the request`,
    );
  }
  return { publicIPId: match.id };
}
