import { LbctlError, NotOwnedError } from '../../src/core/errors.js';
import type { ExecuteRequest } from '../../src/core/provider.js';
import type { Attributes, Resource } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import type { Gcp, OpScope } from './api.js';
import { lastSegment } from './api.js';
import {
  addressBody,
  backendServiceBody,
  firewallBody,
  forwardingRuleBody,
  groupURL,
  healthCheckBody,
  endpointGroupBody,
} from './bodies.js';
import { classifyGcpError, statusOf } from './classify.js';
import type { CloudAddress, CloudBackendService, CloudForwardingRule } from './convert.js';
import { isDescriptionOwnedBy, isLabelOwnedBy } from './labels.js';
import { getByName, listEndpoints } from './lookup.js';
import { T } from './names.js';

/**
 * One plan step against the Compute API. Idempotent: a create that meets 409 adopts a
 * resource this cluster owns (and converges it) or fails with NotOwnedError; a delete of
 * something already gone succeeds. Member sets change by delta only (network endpoint group
 * attach/detachNetworkEndpoints; backend service backends patched from the current list with its
 * fingerprint). Every call waits for its Operation.
 */
export async function execute(
  gcp: Gcp,
  clusterName: string,
  request: ExecuteRequest,
): Promise<Resource | undefined> {
  const { step, state } = request;
  try {
    if (step.action === 'delete') {
      if (step.before !== undefined) await remove(gcp, step.before);
      return undefined;
    }
    const after = step.after;
    if (after === undefined)
      throw new LbctlError(
        'terminal',
        `${step.address}: ${step.action} step without a desired resource`,
      );
    if (step.action === 'create') return await create(gcp, clusterName, after, state);
    if (step.action === 'update') {
      const before = step.before ?? after;
      await update(gcp, before, after, state);
      return {
        ...after,
        ...(before.id === undefined ? {} : { id: before.id }),
        attributes: { ...after.attributes, ...computed(before) },
      };
    }
    throw new LbctlError(
      'terminal',
      `${step.address}: execute takes create, update or delete, got ${step.action}`,
    );
  } catch (e) {
    throw classifyGcpError(e, `${step.action} ${step.address}`);
  }
}

const computed = (r: Resource): Attributes =>
  r.type === T.address && r.attributes['address'] !== undefined
    ? { address: r.attributes['address'] }
    : {};

const regionScope = (gcp: Gcp): OpScope => ({ region: gcp.region });
const name = (r: Resource) => String(r.attributes['name']);
const zone = (r: Resource) => String(r.attributes['zone']);

async function create(
  gcp: Gcp,
  clusterName: string,
  r: Resource,
  state: ReadonlyMap<string, Resource>,
): Promise<Resource> {
  const c = gcp.clients;
  const p = { project: gcp.project, region: gcp.region };
  const a = r.attributes;
  const from = addressOf(r);
  try {
    switch (r.type) {
      case T.address:
        await gcp.mutate('addresses.insert', regionScope(gcp), () =>
          c.addresses.insert({ ...p, addressResource: addressBody(gcp, a) }),
        );
        break;
      case T.healthCheck:
        await gcp.mutate('regionHealthChecks.insert', regionScope(gcp), () =>
          c.healthChecks.insert({ ...p, healthCheckResource: healthCheckBody(a) }),
        );
        break;
      case T.endpointGroup:
        await gcp.mutate('networkEndpointGroups.insert', { zone: zone(r) }, () =>
          c.endpointGroups.insert({
            project: gcp.project,
            zone: zone(r),
            networkEndpointGroupResource: endpointGroupBody(gcp, a),
          }),
        );
        await changeEndpoints(gcp, r, members(r), []);
        break;
      case T.backendService:
        await gcp.mutate('regionBackendServices.insert', regionScope(gcp), () =>
          c.backendServices.insert({
            ...p,
            backendServiceResource: backendServiceBody(gcp, a, state, from),
          }),
        );
        break;
      case T.forwardingRule:
        await gcp.mutate('forwardingRules.insert', regionScope(gcp), () =>
          c.forwardingRules.insert({
            ...p,
            forwardingRuleResource: forwardingRuleBody(gcp, a, state, from),
          }),
        );
        break;
      case T.firewall:
        await gcp.mutate('firewalls.insert', 'global', () =>
          c.firewalls.insert({ project: gcp.project, firewallResource: firewallBody(gcp, a) }),
        );
        break;
      default:
        throw new LbctlError('terminal', `gcp cannot create resources of type ${r.type}`);
    }
  } catch (e) {
    if (statusOf(e) !== 409) throw e;
    return adopt(gcp, clusterName, r);
  }
  return withCloudValues(gcp, r);
}

/** The created resource as the cloud has it: the address's IP is only known now. */
async function withCloudValues(gcp: Gcp, r: Resource): Promise<Resource> {
  const id = selfLinkOf(gcp, r);
  if (r.type !== T.address) return { ...r, id };
  const a = (await getByName(gcp, T.address, name(r))) as CloudAddress | undefined;
  return { ...r, id, attributes: { ...r.attributes, address: a?.address ?? '' } };
}

function selfLinkOf(gcp: Gcp, r: Resource): string {
  const base = 'https://www.googleapis.com/compute/v1/';
  switch (r.type) {
    case T.address:
      return base + gcp.regionPath('addresses', name(r));
    case T.healthCheck:
      return base + gcp.regionPath('healthChecks', name(r));
    case T.backendService:
      return base + gcp.regionPath('backendServices', name(r));
    case T.forwardingRule:
      return base + gcp.regionPath('forwardingRules', name(r));
    case T.firewall:
      return base + gcp.globalPath('firewalls', name(r));
    default:
      return base + gcp.zonePath(zone(r), 'networkEndpointGroups', name(r));
  }
}

/** 409 on create: adopt the existing resource when this cluster owns it, and converge what can change in place. */
async function adopt(gcp: Gcp, clusterName: string, r: Resource): Promise<Resource> {
  const existing = (await getByName(
    gcp,
    r.type,
    name(r),
    r.type === T.endpointGroup ? zone(r) : '',
  )) as { labels?: Record<string, string> | null; description?: string | null } | undefined;
  if (existing === undefined)
    throw new LbctlError(
      'conflict',
      `${addressOf(r)}: ${name(r)} existed a moment ago and is gone; retrying`,
    );
  const labelled = r.type === T.address || r.type === T.forwardingRule;
  const owned = labelled
    ? isLabelOwnedBy(existing.labels, clusterName)
    : isDescriptionOwnedBy(existing.description, clusterName);
  if (!owned) {
    throw new NotOwnedError(
      `${addressOf(r)} (${name(r)})`,
      labelled
        ? `it has no label lbctl-cluster for cluster ${clusterName}`
        : `its description does not carry "kubernetes.io/cluster/${clusterName}": "owned"`,
    );
  }
  if (r.type === T.endpointGroup) {
    const current = (await listEndpoints(gcp, zone(r), name(r))).map(lastSegment);
    await changeEndpoints(
      gcp,
      r,
      members(r).filter((m) => !current.includes(m)),
      [],
    );
  }
  return withCloudValues(gcp, r);
}

const members = (r: Resource): string[] =>
  Array.isArray(r.attributes['endpoints']) ? r.attributes['endpoints'].map(String) : [];

async function update(
  gcp: Gcp,
  before: Resource,
  after: Resource,
  state: ReadonlyMap<string, Resource>,
): Promise<void> {
  const c = gcp.clients;
  const p = { project: gcp.project, region: gcp.region };
  const from = addressOf(after);
  switch (after.type) {
    case T.address:
    case T.forwardingRule:
      return setLabels(gcp, after);
    case T.healthCheck:
      await gcp.mutate('regionHealthChecks.patch', regionScope(gcp), () =>
        c.healthChecks.patch({
          ...p,
          healthCheck: name(after),
          healthCheckResource: healthCheckBody(after.attributes),
        }),
      );
      return;
    case T.endpointGroup: {
      const was = members(before);
      const now = members(after);
      return changeEndpoints(
        gcp,
        after,
        now.filter((m) => !was.includes(m)),
        was.filter((m) => !now.includes(m)),
      );
    }
    case T.backendService:
      return patchBackendService(gcp, before, after, state, from);
    case T.firewall:
      // PUT, not PATCH: lbctl owns the whole rule, and a PATCH cannot clear a list (an empty
      // targetTags is left out of the request and the old tags would stay).
      await gcp.mutate('firewalls.update', 'global', () =>
        c.firewalls.update({
          project: gcp.project,
          firewall: name(after),
          firewallResource: firewallBody(gcp, after.attributes),
        }),
      );
      return;
    default:
      throw new LbctlError('terminal', `gcp cannot update resources of type ${after.type}`);
  }
}

/** Labels are the only in-place change of addresses and forwarding rules; the fingerprint comes from a fresh GET (412 → read again). */
async function setLabels(gcp: Gcp, r: Resource): Promise<void> {
  const labels = { ...((r.attributes['labels'] ?? {}) as Record<string, string>) };
  for (let attempt = 0; ; attempt++) {
    const current = (await getByName(gcp, r.type, name(r))) as
      CloudAddress | CloudForwardingRule | undefined;
    if (current === undefined)
      throw new LbctlError('not-found', `${addressOf(r)}: ${name(r)} is gone`);
    const request = { labels, labelFingerprint: current.labelFingerprint ?? '' };
    const p = {
      project: gcp.project,
      region: gcp.region,
      resource: name(r),
      regionSetLabelsRequestResource: request,
    };
    try {
      await gcp.mutate(
        `${r.type === T.address ? 'addresses' : 'forwardingRules'}.setLabels`,
        regionScope(gcp),
        () =>
          r.type === T.address
            ? gcp.clients.addresses.setLabels(p)
            : gcp.clients.forwardingRules.setLabels(p),
      );
      return;
    } catch (e) {
      if (statusOf(e) !== 412 || attempt >= 2) throw e;
    }
  }
}

/** Backends change by delta against the current list, PATCHed with the current fingerprint (412 → read again). */
async function patchBackendService(
  gcp: Gcp,
  before: Resource,
  after: Resource,
  state: ReadonlyMap<string, Resource>,
  from: string,
): Promise<void> {
  const list = (r: Resource) =>
    Array.isArray(r.attributes['backends']) ? r.attributes['backends'].map(String) : [];
  const add = list(after)
    .filter((b) => !list(before).includes(b))
    .map((b) => groupURL(gcp, state, b, from));
  const removeNames = list(before).filter((b) => !list(after).includes(b));
  const removeURLs = removeNames.map((b) => (state.has(b) ? groupURL(gcp, state, b, from) : b));
  const body = backendServiceBody(gcp, after.attributes, state, from);
  for (let attempt = 0; ; attempt++) {
    const current = (await getByName(gcp, T.backendService, name(after))) as
      CloudBackendService | undefined;
    if (current === undefined) throw new LbctlError('not-found', `${from}: ${name(after)} is gone`);
    const strip = (u: string) => u.replace(/^https:\/\/[^/]+\/compute\/v1\//, '');
    const kept = (current.backends ?? []).filter(
      (b) => !removeURLs.some((u) => strip(u) === strip(b.group ?? '')),
    );
    const added = add
      .filter((u) => !kept.some((b) => strip(b.group ?? '') === strip(u)))
      .map((group) => ({ group, balancingMode: 'CONNECTION' }));
    const patch: CloudBackendService = {
      sessionAffinity: body.sessionAffinity ?? null,
      healthChecks: body.healthChecks ?? [],
      description: body.description ?? '',
      backends: [
        ...kept.map((b) => ({
          group: b.group ?? '',
          balancingMode: b.balancingMode ?? 'CONNECTION',
        })),
        ...added,
      ],
      fingerprint: current.fingerprint ?? '',
    };
    try {
      await gcp.mutate('regionBackendServices.patch', regionScope(gcp), () =>
        gcp.clients.backendServices.patch({
          project: gcp.project,
          region: gcp.region,
          backendService: name(after),
          backendServiceResource: patch,
        }),
      );
      return;
    } catch (e) {
      if (statusOf(e) !== 412 || attempt >= 2) throw e;
    }
  }
}

/** attach/detachNetworkEndpoints for the delta (GCE_VM_IP endpoints name the VM; its primary IP is implied). */
async function changeEndpoints(
  gcp: Gcp,
  r: Resource,
  add: string[],
  remove: string[],
): Promise<void> {
  const neg = { project: gcp.project, zone: zone(r), networkEndpointGroup: name(r) };
  const endpoints = (names: string[]) => names.map((instance) => ({ instance }));
  // At most 500 endpoints per request.
  for (let i = 0; i < add.length; i += 500) {
    const batch = add.slice(i, i + 500);
    await gcp.mutate('networkEndpointGroups.attachNetworkEndpoints', { zone: zone(r) }, () =>
      gcp.clients.endpointGroups.attachNetworkEndpoints({
        ...neg,
        networkEndpointGroupsAttachEndpointsRequestResource: { networkEndpoints: endpoints(batch) },
      }),
    );
  }
  for (let i = 0; i < remove.length; i += 500) {
    const batch = remove.slice(i, i + 500);
    await gcp.mutate('networkEndpointGroups.detachNetworkEndpoints', { zone: zone(r) }, () =>
      gcp.clients.endpointGroups.detachNetworkEndpoints({
        ...neg,
        networkEndpointGroupsDetachEndpointsRequestResource: { networkEndpoints: endpoints(batch) },
      }),
    );
  }
}

async function remove(gcp: Gcp, r: Resource): Promise<void> {
  const c = gcp.clients;
  const p = { project: gcp.project, region: gcp.region };
  try {
    switch (r.type) {
      case T.address:
        await gcp.mutate('addresses.delete', regionScope(gcp), () =>
          c.addresses.delete({ ...p, address: name(r) }),
        );
        return;
      case T.healthCheck:
        await gcp.mutate('regionHealthChecks.delete', regionScope(gcp), () =>
          c.healthChecks.delete({ ...p, healthCheck: name(r) }),
        );
        return;
      case T.backendService:
        await gcp.mutate('regionBackendServices.delete', regionScope(gcp), () =>
          c.backendServices.delete({ ...p, backendService: name(r) }),
        );
        return;
      case T.forwardingRule:
        await gcp.mutate('forwardingRules.delete', regionScope(gcp), () =>
          c.forwardingRules.delete({ ...p, forwardingRule: name(r) }),
        );
        return;
      case T.firewall:
        await gcp.mutate('firewalls.delete', 'global', () =>
          c.firewalls.delete({ project: gcp.project, firewall: name(r) }),
        );
        return;
      case T.endpointGroup:
        await gcp.mutate('networkEndpointGroups.delete', { zone: zone(r) }, () =>
          c.endpointGroups.delete({
            project: gcp.project,
            zone: zone(r),
            networkEndpointGroup: name(r),
          }),
        );
        return;
      default:
        throw new LbctlError('terminal', `gcp cannot delete resources of type ${r.type}`);
    }
  } catch (e) {
    if (statusOf(e) === 404) return;
    throw e;
  }
}
