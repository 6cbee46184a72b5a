import type { PublicIPAddress } from '@azure/arm-network';
import { LbctlError, NotOwnedError } from '../../src/core/errors.js';
import type { Step } from '../../src/core/plan.js';
import { addressOf, type Attributes, type Resource } from '../../src/core/resource.js';
import { StaleEtagError } from './api.js';
import type { ExecuteContext } from './execute.js';
import { observedPublicIP, observedSecurityRule, sdkSecurityRule } from './mapping.js';
import { mutateSecurityGroup, removeByName, upsertByName } from './rmw.js';
import { isInTreePublicIPOf } from './in-tree.js';
import { AZURE_SERVICE_TAG, AZURE_SERVICE_UID_TAG, isAzureOwned } from './tags.js';

/** Lowest priority lbctl gives its security rules, as the in-tree provider (500 and up, inbound). */
const FIRST_PRIORITY = 500;
const LAST_PRIORITY = 4096;
const str = (a: Attributes, k: string): string => (typeof a[k] === 'string' ? a[k] : '');

/** Adds or overwrites the given tags, keeping tags others set. */
export function mergeTags(
  x: { tags?: Record<string, string> },
  tags: Record<string, string>,
): boolean {
  const changed = Object.entries(tags).some(([k, v]) => x.tags?.[k] !== v);
  if (changed) x.tags = { ...(x.tags ?? {}), ...tags };
  return changed;
}

const ownsPublicIP = (c: ExecuteContext, pip: PublicIPAddress, uid: string | undefined): boolean =>
  isAzureOwned(pip.tags, c.settings.clusterName) && pip.tags?.[AZURE_SERVICE_UID_TAG] === uid;

/**
 * Creates with `If-None-Match: *` so a same-named public IP that is not ours is never
 * overwritten: on 412 it is read, adopted when it carries this Service's tags, refused otherwise.
 */
export async function ensurePublicIP(
  c: ExecuteContext,
  r: Resource,
  { create, adopting }: { create: boolean; adopting: boolean },
): Promise<Resource> {
  const a = r.attributes;
  const name = str(a, 'name');
  const rg = typeof a.resource_group === 'string' ? a.resource_group : c.settings.resourceGroup;
  const tags = a.tags as Record<string, string>;
  const uid = tags[AZURE_SERVICE_UID_TAG];
  const body: PublicIPAddress = {
    location: str(a, 'location'),
    sku: { name: str(a, 'sku') },
    publicIPAllocationMethod: str(a, 'allocation_method'),
    publicIPAddressVersion: str(a, 'ip_version'),
    tags,
  };
  const done = (pip: PublicIPAddress) =>
    observedPublicIP(pip, addressOf(r), typeof a.resource_group === 'string' ? rg : undefined);
  if (create) {
    try {
      return done(
        await c.api.put('publicIPAddresses', name, body, { ifNoneMatch: '*', resourceGroup: rg }),
      );
    } catch (e) {
      if (!(e instanceof StaleEtagError)) throw e;
    }
  }
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await c.api.get('publicIPAddresses', name, rg);
    if (current === undefined)
      return done(
        await c.api.put('publicIPAddresses', name, body, { ifNoneMatch: '*', resourceGroup: rg }),
      );
    // A takeover (--adopt) adds lbctl's tags to the in-tree provider's public IP of this Service.
    const inTree =
      adopting &&
      isInTreePublicIPOf(current.tags ?? {}, c.settings.clusterName, tags[AZURE_SERVICE_TAG]);
    if (!ownsPublicIP(c, current, uid) && !inTree) {
      throw new NotOwnedError(
        `public IP ${current.id ?? name}`,
        `it lacks this Service's tags (${AZURE_SERVICE_UID_TAG}=${uid ?? ''})`,
      );
    }
    const next = { ...current, tags: { ...(current.tags ?? {}) } };
    if (!mergeTags(next, tags)) return done(current);
    try {
      return done(
        await c.api.put('publicIPAddresses', name, next, {
          ifMatch: current.etag ?? '*',
          resourceGroup: rg,
        }),
      );
    } catch (e) {
      if (!(e instanceof StaleEtagError)) throw e;
    }
  }
  throw new LbctlError('conflict', `public IP ${name}: still changing under us`);
}

export async function deletePublicIP(c: ExecuteContext, r: Resource): Promise<undefined> {
  const a = r.attributes;
  const name = str(a, 'name');
  const rg = typeof a.resource_group === 'string' ? a.resource_group : c.settings.resourceGroup;
  const uid = (a.tags as Record<string, string> | undefined)?.[AZURE_SERVICE_UID_TAG];
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await c.api.get('publicIPAddresses', name, rg);
    if (current === undefined) return undefined;
    if (!ownsPublicIP(c, current, uid))
      throw new NotOwnedError(`public IP ${current.id ?? name}`, `it lacks this Service's tags`);
    try {
      await c.api.delete('publicIPAddresses', name, { ifMatch: current.etag ?? '*' }, rg);
      return undefined;
    } catch (e) {
      if (!(e instanceof StaleEtagError)) throw e;
    }
  }
  throw new LbctlError('conflict', `public IP ${name}: still changing under us`);
}

/**
 * A security rule by read-modify-write of the cluster's security group. A new rule gets the
 * lowest free inbound priority from 500; an existing one keeps its priority, and a change of
 * source ranges applies only the plan's delta to the rule's prefixes.
 */
export async function securityRule(
  c: ExecuteContext,
  step: Step,
  r: Resource,
): Promise<Resource | undefined> {
  const a = r.attributes;
  const name = str(a, 'name');
  const nsgName = str(a, 'network_security_group');
  const parent = {
    api: c.api,
    cache: c.cache,
    clusterName: c.settings.clusterName,
    pause: c.pause,
  };
  const nsg = await mutateSecurityGroup(parent, nsgName, (x) => {
    const rules = (x.securityRules ??= []);
    if (step.action === 'delete') return removeByName(rules, name);
    // A new name (the Service port changed) is a rename in place: same rule, same priority.
    const oldName = step.action === 'update' ? String(step.before?.attributes.name ?? name) : name;
    const old = rules.find((s) => s.name?.toLowerCase() === oldName.toLowerCase());
    let renamed = false;
    if (
      old !== undefined &&
      oldName.toLowerCase() !== name.toLowerCase() &&
      !rules.some((s) => s.name?.toLowerCase() === name.toLowerCase())
    ) {
      old.name = name;
      delete old.id;
      renamed = true;
    }
    const existing = rules.find((s) => s.name?.toLowerCase() === name.toLowerCase());
    const desired = (a.source_address_prefixes as string[]).map(String);
    let prefixes = desired;
    const delta =
      step.action === 'update'
        ? step.setDeltas.find((d) => d.path === 'source_address_prefixes')
        : undefined;
    if (existing !== undefined && delta !== undefined) {
      const current = existing.sourceAddressPrefixes?.length
        ? existing.sourceAddressPrefixes
        : existing.sourceAddressPrefix === undefined
          ? []
          : [existing.sourceAddressPrefix];
      const remove = new Set(delta.remove.map(String));
      prefixes = [...new Set([...current.filter((p) => !remove.has(p)), ...delta.add.map(String)])];
    }
    const priority = existing?.priority ?? freePriority(rules);
    const rule = sdkSecurityRule(a, prefixes, priority);
    if (existing !== undefined) {
      // The single and the list form are exclusive: clear the one not used.
      const r2 = rule as Record<string, unknown>;
      for (const side of ['source', 'destination'] as const) {
        const single = r2[`${side}AddressPrefix`] !== undefined;
        const ex = existing as Record<string, unknown>;
        if (single && (ex[`${side}AddressPrefixes`] as unknown[] | undefined)?.length)
          r2[`${side}AddressPrefixes`] = [];
        if (!single && ex[`${side}AddressPrefix`] !== undefined)
          r2[`${side}AddressPrefix`] = undefined;
      }
    }
    return upsertByName(rules, rule) || renamed;
  });
  if (nsg === undefined) {
    if (step.action === 'delete') return undefined;
    throw new LbctlError(
      'invalid',
      `azure provider settings: security-group: network security group ${nsgName} was not found in resource group ${c.settings.resourceGroup}`,
    );
  }
  if (step.action === 'delete') return undefined;
  const written = nsg.securityRules?.find((s) => s.name?.toLowerCase() === name.toLowerCase());
  if (written === undefined)
    throw new LbctlError('conflict', `${step.address}: rule ${name} missing after the write`);
  return observedSecurityRule(written, addressOf(r), nsgName);
}

function freePriority(rules: readonly { priority?: number; direction?: string }[]): number {
  const used = new Set(rules.filter((r) => r.direction === 'Inbound').map((r) => r.priority));
  for (let p = FIRST_PRIORITY; p <= LAST_PRIORITY; p++) if (!used.has(p)) return p;
  throw new LbctlError(
    'terminal',
    `no free inbound priority from ${FIRST_PRIORITY} to ${LAST_PRIORITY} in the network security group`,
  );
}
