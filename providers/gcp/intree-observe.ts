import type { ObserveRequest } from '../../src/core/provider.js';
import type { Gcp } from './api.js';
import { lastSegment } from './api.js';
import { classifyGcpError } from './classify.js';
import type { CloudAddress, CloudFirewall, CloudForwardingRule } from './convert.js';
import type { CloudTargetPool, FoundInTree } from './intree.js';
import {
  inTreeHealthCheckFirewallName,
  isInTreeDescription,
  isInTreeHealthCheck,
  isInTreeHealthCheckFirewall,
} from './intree.js';
import { CLUSTER_LABEL } from './labels.js';
import type { CloudHttpHealthCheck } from './legacy.js';
import { getByName } from './lookup.js';
import { loadBalancerName, T, trafficFirewallName } from './names.js';

/**
 * The in-tree target-pool load balancer of one Service, read for a migration (`--adopt`):
 * the forwarding rule `<lb>` with the in-tree description, a target pool and no lbctl label,
 * then its target pool, legacy HTTP health check, health-check firewall, the traffic firewall
 * `k8s-fw-<lb>` and an address `<lb>` (unless lbctl already owns those). Only called when lbctl
 * found no forwarding rule of its own for the Service, so a Service lbctl serves pays nothing.
 *
 * A shared health check (`k8s-<cluster id>-node`) is left out, with its firewall, when another
 * target pool of the region still uses it (one paged targetPools.list): the in-tree provider
 * deletes it only when the delete succeeds, and so does the migration.
 *
 * Without that rule, the target pool `<lb>` is looked for by name (an apply that deleted the rule
 * and stopped). Returns undefined when there is neither; `addressTaken` when an address named
 * `<lb>` exists that is not the in-tree provider's (observe then refuses it as not owned).
 */
export async function findInTree(
  gcp: Gcp,
  request: ObserveRequest,
  owned: { trafficFirewall: boolean; address: boolean },
): Promise<(FoundInTree & { addressTaken: boolean }) | undefined> {
  const { service } = request;
  const lb = loadBalancerName(service);
  const rule = (await getByName(gcp, T.forwardingRule, lb)) as CloudForwardingRule | undefined;
  if (rule !== undefined && !isInTreeRule(rule, service)) return undefined;
  // No rule: an apply that deleted it may have stopped before removing the pool; look by name.
  const pool = await read('targetPools.get', () =>
    gcp.clients.targetPools.get({
      project: gcp.project,
      region: gcp.region,
      targetPool: rule === undefined ? lb : lastSegment(rule.target),
    }),
  );
  const p = pool?.[0] as CloudTargetPool | undefined;
  if (p === undefined || !isInTreeDescription(p.description ?? undefined, service))
    return undefined;

  const hcName = lastSegment(p.healthChecks?.[0]);
  const [hc, traffic, address] = await Promise.all([
    hcName === ''
      ? undefined
      : read('httpHealthChecks.get', () => gcp.clients.httpHealthChecks.get(gcp.project, hcName)),
    owned.trafficFirewall
      ? undefined
      : (getByName(gcp, T.firewall, trafficFirewallName(lb)) as Promise<CloudFirewall | undefined>),
    owned.address
      ? undefined
      : (getByName(gcp, T.address, lb) as Promise<CloudAddress | undefined>),
  ]);
  const inTreeAddress =
    address !== undefined &&
    isInTreeDescription(address.description ?? undefined, service) &&
    rule !== undefined &&
    address.address === rule.IPAddress;

  const shared = hcName !== lb && hcName.startsWith('k8s-') && hcName.endsWith('-node');
  let healthCheck = hc !== undefined && isInTreeHealthCheck(hc, hcName) ? hc : undefined;
  if (healthCheck !== undefined && shared && (await usedByOthers(gcp, p))) healthCheck = undefined;
  let healthCheckFirewall: CloudFirewall | undefined;
  if (healthCheck !== undefined) {
    const fw = (await getByName(gcp, T.firewall, inTreeHealthCheckFirewallName(hcName, lb))) as
      CloudFirewall | undefined;
    const id = shared ? { clusterID: hcName.slice('k8s-'.length, -'-node'.length) } : undefined;
    if (fw !== undefined && isInTreeHealthCheckFirewall(fw, id, service)) healthCheckFirewall = fw;
  }
  return {
    ...(rule === undefined ? {} : { rule }),
    pool: p,
    ...(traffic !== undefined && isInTreeDescription(traffic.description ?? undefined, service)
      ? { trafficFirewall: traffic }
      : {}),
    ...(inTreeAddress ? { address } : {}),
    ...(healthCheck === undefined ? {} : { httpHealthCheck: healthCheck }),
    ...(healthCheckFirewall === undefined ? {} : { healthCheckFirewall }),
    addressTaken: address !== undefined && !inTreeAddress,
  };

  async function read<X>(operation: string, fn: () => Promise<X>): Promise<X | undefined> {
    try {
      return await gcp.read(operation, fn);
    } catch (e) {
      const err = classifyGcpError(e, operation);
      if (err.kind === 'not-found') return undefined;
      throw err;
    }
  }
}

/** The in-tree provider's rule for this Service: its description, a target pool, no lbctl label. */
function isInTreeRule(rule: CloudForwardingRule, service: ObserveRequest['service']): boolean {
  return (
    isInTreeDescription(rule.description ?? undefined, service) &&
    (rule.labels ?? {})[CLUSTER_LABEL] === undefined &&
    /\/targetPools\//.test(rule.target ?? '') &&
    (rule.backendService ?? '') === ''
  );
}

/** Whether a target pool other than `pool` uses its (shared) health check: every page of the region's pools. */
async function usedByOthers(gcp: Gcp, pool: CloudTargetPool): Promise<boolean> {
  const hc = pool.healthChecks?.[0] ?? '';
  const pools = await gcp
    .listAll('targetPools.list', async (pageToken) => {
      const [items, , raw] = await gcp.clients.targetPools.list(
        {
          project: gcp.project,
          region: gcp.region,
          ...(pageToken === undefined ? {} : { pageToken }),
        },
        { autoPaginate: false },
      );
      return { items, next: raw?.nextPageToken ?? undefined };
    })
    .catch((e: unknown) => {
      throw classifyGcpError(e, 'targetPools.list');
    });
  return pools.some(
    (other) =>
      other.name !== pool.name &&
      (other.healthChecks ?? []).some((u) => lastSegment(u) === lastSegment(hc)),
  );
}

export type { CloudHttpHealthCheck };
