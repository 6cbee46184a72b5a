import { NotOwnedError } from '../../src/core/errors.js';
import type { ObserveRequest } from '../../src/core/provider.js';
import type { Resource } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import type { AggregatingClient, Gcp } from './api.js';

import { classifyGcpError } from './classify.js';
import type {
  CloudAddress,
  CloudBackendService,
  CloudFirewall,
  CloudForwardingRule,
  CloudHealthCheck,
  CloudEndpointGroup,
} from './convert.js';
import {
  graphName,
  observedAddress,
  observedBackendService,
  observedFirewall,
  observedForwardingRule,
  observedHealthCheck,
  observedEndpointGroup,
  refsOf,
} from './convert.js';
import { inTreeGraph, isInTreeDescription } from './intree.js';
import { findInTree } from './intree-observe.js';
import { getByName, listEndpoints } from './lookup.js';
import { checkUserAddresses, pinnedIPs } from './user-address.js';
import { CLUSTER_LABEL, labelValue, parseDescription, SERVICE_UID_LABEL } from './labels.js';
import { loadBalancerName, N, T, trafficFirewallName } from './names.js';

/**
 * The resources of one Service, found by ownership only: labels (addresses, forwarding
 * rules: `lbctl-cluster` and `lbctl-service-uid`, as list filters) and description JSON
 * (health checks, backend services, firewalls: a regular-expression filter on the Service UID,
 * then the cluster checked in code). Network endpoint groups are the ones this Service's
 * backend services use, when their description names the Service. Reads only.
 *
 * Then every desired resource not found that way is looked up by name: one that exists
 * without this cluster's ownership is a NotOwnedError naming it (never touched); an endpoint
 * group of this Service that no backend service uses yet is adopted into the observed state.
 */
export async function observe(
  gcp: Gcp,
  clusterName: string,
  request: ObserveRequest,
): Promise<Resource[]> {
  const { uid } = request.service;
  const c = gcp.clients;
  const p = { project: gcp.project, region: gcp.region };
  const labelFilter = `(labels.${CLUSTER_LABEL} = "${labelValue(clusterName)}") AND (labels.${SERVICE_UID_LABEL} = "${labelValue(uid)}")`;
  const descFilter = `description eq ".*kubernetes.io/service-uid.:.${uid.replace(/[^a-z0-9-]/gi, '.')}.*"`;
  const page = <T>(res: [T[], unknown, { nextPageToken?: string | null } | null | undefined]) => ({
    items: res[0],
    next: res[2]?.nextPageToken ?? undefined,
  });
  const opts = { autoPaginate: false } as const;

  const [addresses, rules, services, checks, firewalls] = await Promise.all([
    gcp.listAll('addresses.list', async (pageToken) =>
      page(
        await c.addresses.list(
          { ...p, filter: labelFilter, ...(pageToken ? { pageToken } : {}) },
          opts,
        ),
      ),
    ),
    gcp.listAll('forwardingRules.list', async (pageToken) =>
      page(
        await c.forwardingRules.list(
          { ...p, filter: labelFilter, ...(pageToken ? { pageToken } : {}) },
          opts,
        ),
      ),
    ),
    gcp.listAll('regionBackendServices.list', async (pageToken) =>
      page(
        await c.backendServices.list(
          { ...p, filter: descFilter, ...(pageToken ? { pageToken } : {}) },
          opts,
        ),
      ),
    ),
    gcp.listAll('regionHealthChecks.list', async (pageToken) =>
      page(
        await c.healthChecks.list(
          { ...p, filter: descFilter, ...(pageToken ? { pageToken } : {}) },
          opts,
        ),
      ),
    ),
    gcp.listAll('firewalls.list', async (pageToken) =>
      page(
        await c.firewalls.list(
          { project: gcp.project, filter: descFilter, ...(pageToken ? { pageToken } : {}) },
          opts,
        ),
      ),
    ),
  ]).catch((e: unknown) => {
    throw classifyGcpError(e, 'observe');
  });
  const owned = (d: string | null | undefined) => {
    const o = parseDescription(d);
    return o !== undefined && o.clusters.includes(clusterName) && o.serviceUid === uid;
  };

  // `--adopt`: only when lbctl has no forwarding rule of its own named like the load balancer
  // (a Service lbctl serves costs no extra read) is the in-tree target pool looked for.
  const lbName = loadBalancerName(request.service);
  const inTree =
    request.adopt === true &&
    request.desired.length > 0 &&
    !(rules as CloudForwardingRule[]).some((r) => r.name === lbName)
      ? await findInTree(gcp, request, {
          trafficFirewall: (firewalls as CloudFirewall[]).some(
            (f) => f.name === trafficFirewallName(lbName) && owned(f.description),
          ),
          address: (addresses as CloudAddress[]).some((a) => a.name === lbName),
        })
      : undefined;
  let migration: Resource[] = [];

  const out: Resource[] = [];
  // Addresses and forwarding rules carry labels; the others say whose they are in their description.
  const addLabelled = <X extends { labels?: Record<string, string> | null | undefined }>(
    type: string,
    items: X[],
    build: (name: string, x: X) => Resource,
  ) => {
    for (const x of items) {
      const name = graphName(type, { labels: x.labels ?? {} });
      if (name !== undefined) out.push(build(name, x));
    }
  };
  const addDescribed = <X extends { description?: string | null | undefined }>(
    type: string,
    items: X[],
    build: (name: string, x: X) => Resource,
  ) => {
    for (const x of items) {
      const name = graphName(type, { description: x.description });
      if (name !== undefined && owned(x.description)) out.push(build(name, x));
    }
  };
  // While the Service requests, by IP, the address lbctl reserved for it earlier, that address
  // stays out of the observed state: its IP is then the user's pin, not something to release.
  const pinned = pinnedIPs(request.desired);
  addLabelled(
    T.address,
    (addresses as CloudAddress[]).filter((a) => !pinned.has(a.address ?? '')),
    observedAddress,
  );
  addDescribed(T.healthCheck, checks as CloudHealthCheck[], observedHealthCheck);
  // Firewalls name the address's IP as their destination: mapped back through the address.
  const addressRefs = refsOf(out);
  addDescribed(T.firewall, firewalls as CloudFirewall[], (n, f) =>
    observedFirewall(n, f, addressRefs),
  );
  if (inTree !== undefined) {
    // The in-tree pieces, foreign; the forwarding rule joins last (it references the rest).
    const graph = inTreeGraph(inTree, {
      desired: request.desired,
      observed: out,
      region: gcp.region,
    }).filter((r) => !(r.type === T.address && inTree.addressTaken));
    migration = graph.filter((r) => r.type === T.forwardingRule);
    out.push(...graph.filter((r) => r.type !== T.forwardingRule));
  }

  // Network endpoint groups: found by their name (the load balancer's) in every zone of the
  // region, then kept when their description names this Service. Not through the backend
  // services' backends: a group whose backend service is already gone (a deletion that
  // stopped half-way) must still be found, or it would leak.
  const lb = lbName;
  const groups = (
    await gcp
      .aggregatedPages<CloudEndpointGroup>(
        'networkEndpointGroups.aggregatedList',
        gcp.clients.endpointGroups as unknown as AggregatingClient,
        {
          request: { project: gcp.project, filter: `name = "${lb}"`, maxResults: 500 },
          field: 'networkEndpointGroups',
        },
      )
      .catch((e: unknown) => {
        throw classifyGcpError(e, 'observe');
      })
  )
    .filter((s) => s.scope.startsWith(`zones/${gcp.region}-`))
    .flatMap((s) => s.items.map((group) => ({ zone: s.scope.slice('zones/'.length), group })));
  const ours = groups.filter((g) => owned(g.group.description));
  const members = await Promise.all(
    ours.map((g) => listEndpoints(gcp, g.zone, g.group.name ?? '')),
  );
  for (const [i, g] of ours.entries()) {
    const name = graphName(T.endpointGroup, { description: g.group.description });
    if (name !== undefined) out.push(observedEndpointGroup(name, g.group, members[i] ?? []));
  }

  await lookUpMissing(gcp, clusterName, request, out);
  await checkUserAddresses(gcp, request, rules as CloudForwardingRule[]);
  if (request.desired.length === 0) {
    await refuseForeignAddress(gcp, clusterName, request, out);
  }

  let refs = refsOf(out);
  addDescribed(T.backendService, services as CloudBackendService[], (n, b) =>
    observedBackendService(n, b, refs),
  );
  refs = refsOf(out);
  addLabelled(T.forwardingRule, rules as CloudForwardingRule[], (n, f) =>
    observedForwardingRule(n, f, refs),
  );
  for (const r of migration) if (!out.some((o) => addressOf(o) === addressOf(r))) out.push(r);
  // The observed graph may only depend on what was observed (a foreign instance group is not).
  const present = new Set(out.map(addressOf));
  return out
    .map((r) => ({ ...r, dependsOn: r.dependsOn.filter((d) => present.has(d)) }))
    .sort((a, b) => addressOf(a).localeCompare(addressOf(b)));
}

/**
 * Desired resources that the ownership lookups did not find, looked up by name. Runs only
 * when something is missing (a create is coming), so a no-op reconcile makes no extra calls.
 */
async function lookUpMissing(
  gcp: Gcp,
  clusterName: string,
  request: ObserveRequest,
  out: Resource[],
): Promise<void> {
  const found = new Set(out.map(addressOf));
  const missing = request.desired.filter(
    (d) => !found.has(addressOf(d)) && d.type !== T.backendService && d.type !== T.forwardingRule,
  );
  // Backend services and forwarding rules are listed by ownership above; a same-named foreign
  // one is caught at create time (409 → NotOwnedError). The others are checked here.
  const zoneOf = (d: Resource) =>
    typeof d.attributes['zone'] === 'string' ? d.attributes['zone'] : '';
  const found_ = await Promise.all(
    missing.map((d) => getByName(gcp, d.type, String(d.attributes['name']), zoneOf(d))),
  );
  for (const [i, d] of missing.entries()) {
    const name = String(d.attributes['name']);
    const zone = zoneOf(d);
    const existing = found_[i];
    if (existing === undefined) continue;
    const what = `${addressOf(d)} (${name}${zone === '' ? '' : ` in ${zone}`})`;
    if (d.type === T.endpointGroup) {
      // Created by an apply that stopped before the backend service used it: ours, adopt it.
      const g = existing as CloudEndpointGroup;
      const o = parseDescription(g.description);
      if (o?.clusters.includes(clusterName) === true && o.serviceUid === request.service.uid) {
        out.push(observedEndpointGroup(d.name, g, await listEndpoints(gcp, zone, name)));
        continue;
      }
    }
    const labels = (existing as { labels?: Record<string, string> | null }).labels;
    const description = (existing as { description?: string | null }).description;
    const detail =
      d.type === T.address
        ? `it has no labels ${CLUSTER_LABEL}=${labelValue(clusterName)} and ${SERVICE_UID_LABEL}=${labelValue(request.service.uid)}` +
          (labels?.[CLUSTER_LABEL] === undefined
            ? ''
            : ` (found ${CLUSTER_LABEL}=${labels[CLUSTER_LABEL]}, ${SERVICE_UID_LABEL}=${labels[SERVICE_UID_LABEL] ?? 'none'})`)
        : `its description ${JSON.stringify(description ?? '')} does not name cluster ${clusterName} and Service UID ${request.service.uid}`;
    const inTree = isInTreeDescription(description ?? undefined, request.service)
      ? `; it was made by the in-tree GCE provider (cloud-controller-manager) for Service ${request.service.namespace}/${request.service.name}: migrate it with lbctl plan/apply --adopt (docs/migrating.md) or delete it first`
      : '';
    throw new NotOwnedError(what, detail + inTree);
  }
}

/**
 * On deletion with nothing owned found: an address holding the Service's load balancer name
 * without this cluster's labels is someone else's; say so rather than report the load
 * balancer deleted.
 */
async function refuseForeignAddress(
  gcp: Gcp,
  clusterName: string,
  request: ObserveRequest,
  out: Resource[],
): Promise<void> {
  if (out.some((r) => r.type === T.address)) return;
  const name = loadBalancerName(request.service);
  const existing = (await getByName(gcp, T.address, name)) as CloudAddress | undefined;
  if (existing === undefined) return;
  const labels = existing.labels ?? {};
  if (
    labels[CLUSTER_LABEL] === labelValue(clusterName) &&
    labels[SERVICE_UID_LABEL] === labelValue(request.service.uid)
  )
    return;
  throw new NotOwnedError(
    `${T.address}.${N.address} (${name})`,
    `it has no labels ${CLUSTER_LABEL}=${labelValue(clusterName)} and ${SERVICE_UID_LABEL}=${labelValue(request.service.uid)}`,
  );
}
