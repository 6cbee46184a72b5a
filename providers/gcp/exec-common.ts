import type { Resource } from '../../src/core/resource.js';
import type { Gcp, OpScope } from './api.js';
import type { CloudAddress } from './convert.js';
import { getByName } from './lookup.js';
import { T } from './names.js';

export const regionScope = (gcp: Gcp): OpScope => ({ region: gcp.region });
export const name = (r: Resource): string => String(r.attributes['name']);
export const zone = (r: Resource): string => String(r.attributes['zone']);

/** The instances a network endpoint group resource lists as its members. */
export const members = (r: Resource): string[] =>
  Array.isArray(r.attributes['endpoints']) ? r.attributes['endpoints'].map(String) : [];

/** The created resource as the cloud has it: the address's IP is only known now. */
export async function withCloudValues(gcp: Gcp, r: Resource): Promise<Resource> {
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
