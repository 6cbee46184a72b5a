import type { OwnedResource } from '../../src/core/provider.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { Resource } from '../../src/core/resource.js';
import type { AggregatingClient, Gcp } from './api.js';
import { classifyGcpError } from './classify.js';
import type {
  CloudAddress,
  CloudBackendService,
  CloudEndpointGroup,
  CloudFirewall,
  CloudForwardingRule,
  CloudHealthCheck,
} from './convert.js';
import {
  graphName,
  observedAddress,
  observedBackendService,
  observedEndpointGroup,
  observedFirewall,
  observedForwardingRule,
  observedHealthCheck,
  refsOf,
} from './convert.js';
import {
  CLUSTER_LABEL,
  labelValue,
  parseDescription,
  SERVICE_NAME_LABEL,
  SERVICE_NS_LABEL,
  SERVICE_UID_LABEL,
} from './labels.js';
import { T } from './names.js';

/** The largest page Compute serves (`maxResults` 0–500): the fewest calls per resource. */
const PAGE = 500;

type Page<X> = [X[], unknown, { nextPageToken?: string | null } | null | undefined];

/**
 * Every resource of the region (and, for firewalls, the project) that carries this cluster's
 * ownership, for the orphan sweep: each collection listed once, 500 per page, filtered on the
 * server by the cluster label (addresses, forwarding rules) or the cluster key of the ownership
 * description (health checks, backend services, firewalls, and the region's endpoint groups in
 * one aggregatedList), then checked again in code. Endpoint groups come without their endpoints
 * (a deletion does not need them, and listing them would cost one call per group). Reads only.
 */
export async function sweep(gcp: Gcp, clusterName: string): Promise<OwnedResource[]> {
  const c = gcp.clients;
  const p = { project: gcp.project, region: gcp.region };
  const labelFilter = `labels.${CLUSTER_LABEL} = "${labelValue(clusterName)}"`;
  // Compute's regular-expression filter is a full match; `.` stands for the characters a
  // quoted filter cannot carry literally, and the code checks the exact cluster afterwards.
  const clusterKey = `kubernetes.io/cluster/${clusterName}`.replace(/[^a-zA-Z0-9/-]/g, '.');
  const descFilter = `description eq ".*${clusterKey}.:.owned.*"`;
  const page =
    <X>(op: (token: string | undefined) => Promise<Page<X>>) =>
    async (token: string | undefined) => {
      const res = await op(token);
      return { items: res[0], next: res[2]?.nextPageToken ?? undefined };
    };
  const opts = { autoPaginate: false } as const;
  const q = (filter: string, token: string | undefined) => ({
    ...p,
    filter,
    maxResults: PAGE,
    ...(token === undefined ? {} : { pageToken: token }),
  });
  const [addresses, rules, services, checks, firewalls, groups] = await Promise.all([
    gcp.listAll(
      'addresses.list',
      page((t) => c.addresses.list(q(labelFilter, t), opts)),
    ),
    gcp.listAll(
      'forwardingRules.list',
      page((t) => c.forwardingRules.list(q(labelFilter, t), opts)),
    ),
    gcp.listAll(
      'regionBackendServices.list',
      page((t) => c.backendServices.list(q(descFilter, t), opts)),
    ),
    gcp.listAll(
      'regionHealthChecks.list',
      page((t) => c.healthChecks.list(q(descFilter, t), opts)),
    ),
    gcp.listAll(
      'firewalls.list',
      page((t) => {
        const { region: _, ...global } = q(descFilter, t);
        return c.firewalls.list(global, opts);
      }),
    ),
    endpointGroups(gcp, descFilter),
  ]).catch((e: unknown) => {
    throw classifyGcpError(e, 'sweep');
  });

  const byService = new Map<string, { service?: ServiceIdentity; resources: Resource[] }>();
  const keep = (service: ServiceIdentity | undefined, r: Resource) => {
    const key = service?.uid ?? '';
    const group = byService.get(key) ?? {
      ...(service === undefined ? {} : { service }),
      resources: [],
    };
    group.resources.push(r);
    byService.set(key, group);
  };
  const labelled = <X extends { labels?: Record<string, string> | null }>(
    type: string,
    items: X[],
    build: (name: string, x: X) => Resource,
  ) => {
    for (const x of items) {
      const labels = x.labels ?? {};
      if (labels[CLUSTER_LABEL] !== labelValue(clusterName)) continue;
      const name = graphName(type, { labels });
      if (name !== undefined) keep(serviceOfLabels(labels), build(name, x));
    }
  };
  const described = <X extends { description?: string | null }>(
    type: string,
    items: X[],
    build: (name: string, x: X) => Resource,
  ) => {
    for (const x of items) {
      const o = parseDescription(x.description);
      if (o?.clusters.includes(clusterName) !== true) continue;
      const name = graphName(type, { description: x.description });
      if (name !== undefined) keep(serviceOfDescription(o), build(name, x));
    }
  };
  // Addresses, health checks and groups first: the others' references are resolved against them.
  labelled(T.address, addresses as CloudAddress[], observedAddress);
  described(T.healthCheck, checks as CloudHealthCheck[], observedHealthCheck);
  described(
    T.endpointGroup,
    groups.map((g) => g.group),
    (n, g) => observedEndpointGroup(n, g, []),
  );
  const refs = refsOf([...byService.values()].flatMap((g) => g.resources));
  described(T.firewall, firewalls as CloudFirewall[], (n, f) => observedFirewall(n, f, refs));
  described(T.backendService, services as CloudBackendService[], (n, b) =>
    observedBackendService(n, b, refs),
  );
  const withServices = refsOf([...byService.values()].flatMap((g) => g.resources));
  labelled(T.forwardingRule, rules as CloudForwardingRule[], (n, f) =>
    observedForwardingRule(n, f, withServices),
  );
  return [...byService.values()].flatMap(({ service, resources }) =>
    resources.map((resource) => ({ resource, ...(service === undefined ? {} : { service }) })),
  );
}

/** The region's endpoint groups with the cluster's description: every page of one aggregatedList. */
async function endpointGroups(
  gcp: Gcp,
  filter: string,
): Promise<{ zone: string; group: CloudEndpointGroup }[]> {
  const scopes = await gcp.aggregatedPages<CloudEndpointGroup>(
    'networkEndpointGroups.aggregatedList',
    gcp.clients.endpointGroups as unknown as AggregatingClient,
    { request: { project: gcp.project, filter, maxResults: PAGE }, field: 'networkEndpointGroups' },
  );
  return scopes
    .filter((s) => s.scope.startsWith(`zones/${gcp.region}-`))
    .flatMap((s) => s.items.map((group) => ({ zone: s.scope.slice('zones/'.length), group })));
}

function serviceOfLabels(labels: Record<string, string>): ServiceIdentity | undefined {
  const uid = labels[SERVICE_UID_LABEL];
  if (uid === undefined) return undefined;
  return {
    namespace: labels[SERVICE_NS_LABEL] ?? '',
    name: labels[SERVICE_NAME_LABEL] ?? '',
    uid,
  };
}

function serviceOfDescription(o: {
  serviceName?: string;
  serviceUid?: string;
}): ServiceIdentity | undefined {
  if (o.serviceUid === undefined) return undefined;
  const [namespace = '', name = ''] = (o.serviceName ?? '/').split('/');
  return { namespace, name, uid: o.serviceUid };
}
