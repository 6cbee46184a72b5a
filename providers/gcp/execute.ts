import { LbctlError } from '../../src/core/errors.js';
import type { ExecuteRequest } from '../../src/core/provider.js';
import type { Attributes, Resource } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import type { Gcp } from './api.js';
import {
  addressBody,
  backendServiceBody,
  endpointGroupBody,
  firewallBody,
  forwardingRuleBody,
  healthCheckBody,
} from './bodies.js';
import { classifyGcpError, statusOf } from './classify.js';
import { adopt } from './exec-adopt.js';
import { members, name, regionScope, withCloudValues, zone } from './exec-common.js';
import { changeEndpoints } from './exec-endpoints.js';
import { patchBackendService, setLabels } from './exec-fingerprint.js';
import { T } from './names.js';
import { subnetworkFor, targetTagsFor } from './nodes.js';
import type { CloudAddress } from './convert.js';
import { isLabelOwnedBy } from './labels.js';
import { getByName } from './lookup.js';

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
      await update(gcp, { before, after, state, clusterName });
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
      case T.endpointGroup: {
        const subnetwork = await subnetworkFor(gcp, r);
        await gcp.mutate('networkEndpointGroups.insert', { zone: zone(r) }, () =>
          c.endpointGroups.insert({
            project: gcp.project,
            zone: zone(r),
            networkEndpointGroupResource: endpointGroupBody(gcp, a, subnetwork),
          }),
        );
        await changeEndpoints(gcp, r, { add: members(r), remove: [] });
        break;
      }
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
      case T.firewall: {
        const body = firewallBody(gcp, a, {
          state,
          from,
          targetTags: await targetTagsFor(gcp, r, state),
        });
        await gcp.mutate('firewalls.insert', 'global', () =>
          c.firewalls.insert({ project: gcp.project, firewallResource: body }),
        );
        break;
      }
      default:
        throw new LbctlError('terminal', `gcp cannot create resources of type ${r.type}`);
    }
  } catch (e) {
    if (statusOf(e) !== 409) throw e;
    return adopt(gcp, clusterName, r);
  }
  return withCloudValues(gcp, r);
}

async function update(
  gcp: Gcp,
  {
    before,
    after,
    state,
    clusterName,
  }: {
    before: Resource;
    after: Resource;
    state: ReadonlyMap<string, Resource>;
    clusterName: string;
  },
): Promise<void> {
  const c = gcp.clients;
  const p = { project: gcp.project, region: gcp.region };
  switch (after.type) {
    case T.address:
      // The in-tree rule's ephemeral IP (observed with --adopt): promoted by reserving that IP.
      if (before.foreign !== undefined && before.attributes['ephemeral'] === true) {
        const ip = String(before.attributes['address'] ?? '');
        try {
          await gcp.mutate('addresses.insert', regionScope(gcp), () =>
            c.addresses.insert({
              ...p,
              addressResource: addressBody(gcp, { ...after.attributes, address: ip }),
            }),
          );
        } catch (e) {
          // 409: an earlier attempt (a retried request) reserved it; fine if it is ours and the IP.
          if (statusOf(e) !== 409) throw e;
          const existing = (await getByName(gcp, T.address, name(after))) as
            CloudAddress | undefined;
          if (existing?.address !== ip || !isLabelOwnedBy(existing.labels, clusterName)) throw e;
        }
        return;
      }
      return setLabels(gcp, after);
    case T.forwardingRule:
      return setLabels(gcp, after);
    case T.healthCheck:
      // PUT, not PATCH: a PATCH merges, so a type change (TCP → HTTP) would keep the old
      // tcpHealthCheck block; lbctl owns the whole health check and replaces every field.
      await gcp.mutate('regionHealthChecks.update', regionScope(gcp), () =>
        c.healthChecks.update({
          ...p,
          healthCheck: name(after),
          healthCheckResource: healthCheckBody(after.attributes),
        }),
      );
      return;
    case T.endpointGroup: {
      const was = members(before);
      const now = members(after);
      return changeEndpoints(gcp, after, {
        add: now.filter((m) => !was.includes(m)),
        remove: was.filter((m) => !now.includes(m)),
      });
    }
    case T.backendService:
      return patchBackendService(gcp, { before, after, state });
    case T.firewall: {
      // PUT, not PATCH: lbctl owns the whole rule, and a PATCH cannot clear a list (an empty
      // list is left out of the request and the old values would stay).
      const body = firewallBody(gcp, after.attributes, {
        state,
        from: addressOf(after),
        targetTags: await targetTagsFor(gcp, after, state),
      });
      await gcp.mutate('firewalls.update', 'global', () =>
        c.firewalls.update({ project: gcp.project, firewall: name(after), firewallResource: body }),
      );
      return;
    }
    default:
      throw new LbctlError('terminal', `gcp cannot update resources of type ${after.type}`);
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
      case T.targetPool:
        await gcp.mutate('targetPools.delete', regionScope(gcp), () =>
          c.targetPools.delete({ ...p, targetPool: name(r) }),
        );
        return;
      case T.httpHealthCheck:
        // Refused (400 resourceInUseByAnotherResource) while another target pool uses it: the
        // plan was made before that Service took it; the next observe leaves it alone.
        await gcp.mutate('httpHealthChecks.delete', 'global', async () => [
          { latestResponse: await c.httpHealthChecks.delete(gcp.project, name(r)) },
        ]);
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
