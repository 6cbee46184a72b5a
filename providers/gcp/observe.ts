import { NotOwnedError } from '../../src/core/errors.js';
import type { ObserveRequest } from '../../src/core/provider.js';
import type { Resource } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import type { Gcp } from './api.js';
import { lastSegment, zoneOf } from './api.js';
import { classifyGcpError } from './classify.js';
import type {
  CloudAddress,
  CloudBackendService,
  CloudFirewall,
  CloudForwardingRule,
  CloudHealthCheck,
  CloudInstanceGroup,
} from './convert.js';
import {
  graphName,
  observedAddress,
  observedBackendService,
  observedFirewall,
  observedForwardingRule,
  observedHealthCheck,
  observedInstanceGroup,
  refsOf,
} from './convert.js';
import { getByName, listMembers } from './lookup.js';
import { CLUSTER_LABEL, labelValue, parseDescription, SERVICE_UID_LABEL } from './labels.js';
import { instanceGroupName, loadBalancerName, N, T } from './names.js';

/**
 * The resources of one Service, found by ownership only: labels (addresses, forwarding
 * rules: `lbctl-cluster` and `lbctl-service-uid`, as list filters) and description JSON
 * (health checks, backend services, firewalls: a regular-expression filter on the Service UID,
 * then the cluster checked in code). Instance groups are the ones this Service's backend
 * services use, when they carry the cluster's ownership. Reads only.
 *
 * Then every desired resource not found that way is looked up by name: one that exists
 * without this cluster's ownership is a NotOwnedError naming it (never touched); a shared
 * instance group of this cluster is adopted into the observed state.
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
  const out: Resource[] = [];
  const add = <X>(
    type: string,
    items: X[],
    meta: (x: X) => {
      labels?: Record<string, string> | null | undefined;
      description?: string | null | undefined;
    },
    keep: (x: X) => boolean,
    build: (name: string, x: X) => Resource,
  ) => {
    for (const x of items) {
      const name = graphName(type, meta(x));
      if (name !== undefined && keep(x)) out.push(build(name, x));
    }
  };
  add(
    T.address,
    addresses as CloudAddress[],
    (a) => ({ labels: a.labels ?? {} }),
    () => true,
    observedAddress,
  );
  add(
    T.healthCheck,
    checks as CloudHealthCheck[],
    (h) => ({ description: h.description }),
    (h) => owned(h.description),
    observedHealthCheck,
  );
  add(
    T.firewall,
    firewalls as CloudFirewall[],
    (f) => ({ description: f.description }),
    (f) => owned(f.description),
    observedFirewall,
  );

  // Instance groups: those the Service's backend services use, if this cluster owns them.
  const groupLinks = new Set<string>();
  for (const b of services as CloudBackendService[]) {
    if (!owned(b.description)) continue;
    for (const backend of b.backends ?? []) if (backend.group) groupLinks.add(backend.group);
  }
  const groups = await Promise.all(
    [...groupLinks].sort().map(async (link) => {
      const zone = zoneOf(link);
      const group = await getByName(gcp, T.instanceGroup, lastSegment(link), zone);
      return group === undefined ? undefined : { zone, group: group as CloudInstanceGroup };
    }),
  );
  for (const g of groups) {
    if (g === undefined || !parseDescription(g.group.description)?.clusters.includes(clusterName))
      continue;
    const name = graphName(T.instanceGroup, { description: g.group.description });
    if (name === undefined) continue;
    out.push(
      observedInstanceGroup(name, g.group, await listMembers(gcp, g.zone, g.group.name ?? '')),
    );
  }

  await lookUpMissing(gcp, clusterName, request, out);
  if (request.desired.length === 0) {
    await refuseForeignAddress(gcp, clusterName, request, out);
    await sweepOrphanGroups(gcp, clusterName, out);
  }

  let refs = refsOf(out);
  add(
    T.backendService,
    services as CloudBackendService[],
    (b) => ({ description: b.description }),
    (b) => owned(b.description),
    (n, b) => observedBackendService(n, b, refs),
  );
  refs = refsOf(out);
  add(
    T.forwardingRule,
    rules as CloudForwardingRule[],
    (f) => ({ labels: f.labels ?? {} }),
    () => true,
    (n, f) => observedForwardingRule(n, f, refs),
  );
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
    if (d.type === T.instanceGroup) {
      const g = existing as CloudInstanceGroup;
      if (
        g.name !== instanceGroupName(clusterName) ||
        !parseDescription(g.description)?.clusters.includes(clusterName)
      ) {
        throw new NotOwnedError(
          what,
          `its description does not carry "kubernetes.io/cluster/${clusterName}": "owned"`,
        );
      }
      out.push(observedInstanceGroup(d.name, g, await listMembers(gcp, zone, name)));
      continue;
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
    throw new NotOwnedError(what, detail);
  }
}

/**
 * On deletion: the cluster's shared instance groups that no backend service uses any more.
 * Two Services deleted at the same time each see the other still using a group and leave it;
 * whichever reconcile comes next finds it unused here and deletes it.
 */
async function sweepOrphanGroups(gcp: Gcp, clusterName: string, out: Resource[]): Promise<void> {
  const groupName = instanceGroupName(clusterName);
  const groups = await gcp.read('instanceGroups.aggregatedList', async () => {
    const found: CloudInstanceGroup[] = [];
    const iterable = gcp.clients.instanceGroups.aggregatedListAsync({
      project: gcp.project,
      filter: `name = "${groupName}"`,
      maxResults: 500,
    });
    for await (const [scope, list] of iterable) {
      if (scope.startsWith(`zones/${gcp.region}-`)) found.push(...(list.instanceGroups ?? []));
    }
    return found;
  });
  const candidates = groups.filter(
    (g) =>
      parseDescription(g.description)?.clusters.includes(clusterName) &&
      !out.some((r) => r.id === g.selfLink),
  );
  if (candidates.length === 0) return;
  const services = await gcp.listAll('regionBackendServices.list', async (pageToken) => {
    const [items, , raw] = await gcp.clients.backendServices.list(
      {
        project: gcp.project,
        region: gcp.region,
        ...(pageToken === undefined ? {} : { pageToken }),
      },
      { autoPaginate: false },
    );
    return { items, next: raw?.nextPageToken ?? undefined };
  });
  const used = new Set(
    services.flatMap((b) => (b.backends ?? []).map((x) => lastSegmentPath(x.group))),
  );
  for (const g of candidates) {
    const name = graphName(T.instanceGroup, { description: g.description });
    if (name === undefined || used.has(lastSegmentPath(g.selfLink))) continue;
    out.push(observedInstanceGroup(name, g, []));
  }
}

const lastSegmentPath = (url: string | null | undefined): string =>
  (url ?? '').replace(/^https:\/\/[^/]+\/compute\/v1\//, '');

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
