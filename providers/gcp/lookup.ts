import type { Gcp } from './api.js';
import { classifyGcpError } from './classify.js';
import { T } from './names.js';

/** GET one resource by type and name; undefined on 404. */
export async function getByName(gcp: Gcp, type: string, name: string, zone = ''): Promise<unknown> {
  const c = gcp.clients;
  const p = { project: gcp.project, region: gcp.region };
  const get = async (): Promise<[unknown, ...unknown[]]> => {
    switch (type) {
      case T.address:
        return c.addresses.get({ ...p, address: name });
      case T.healthCheck:
        return c.healthChecks.get({ ...p, healthCheck: name });
      case T.backendService:
        return c.backendServices.get({ ...p, backendService: name });
      case T.forwardingRule:
        return c.forwardingRules.get({ ...p, forwardingRule: name });
      case T.firewall:
        return c.firewalls.get({ project: gcp.project, firewall: name });
      case T.endpointGroup:
        return c.endpointGroups.get({ project: gcp.project, zone, networkEndpointGroup: name });
      default:
        throw new Error(`unknown resource type ${type}`);
    }
  };
  try {
    const [r] = await gcp.read(GET_OPERATION[type] ?? `${type}.get`, get);
    return r;
  } catch (e) {
    const err = classifyGcpError(e, `${GET_OPERATION[type] ?? type} ${name}`);
    if (err.kind === 'not-found') return undefined;
    throw err;
  }
}

export const GET_OPERATION: Record<string, string> = {
  [T.address]: 'addresses.get',
  [T.healthCheck]: 'regionHealthChecks.get',
  [T.backendService]: 'regionBackendServices.get',
  [T.forwardingRule]: 'forwardingRules.get',
  [T.firewall]: 'firewalls.get',
  [T.endpointGroup]: 'networkEndpointGroups.get',
};

/** The instance names of a GCE_VM_IP network endpoint group (every page). */
export async function listEndpoints(gcp: Gcp, zone: string, group: string): Promise<string[]> {
  const items = await gcp.listAll(
    'networkEndpointGroups.listNetworkEndpoints',
    async (pageToken) => {
      const [items, , raw] = await gcp.clients.endpointGroups.listNetworkEndpoints(
        {
          project: gcp.project,
          zone,
          networkEndpointGroup: group,
          networkEndpointGroupsListEndpointsRequestResource: { healthStatus: 'SKIP' },
          ...(pageToken === undefined ? {} : { pageToken }),
        },
        { autoPaginate: false },
      );
      return { items, next: raw?.nextPageToken ?? undefined };
    },
  );
  return items.map((i) => i.networkEndpoint?.instance ?? '').filter((i) => i !== '');
}
