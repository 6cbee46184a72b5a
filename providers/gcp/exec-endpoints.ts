import type { Resource } from '../../src/core/resource.js';
import type { Gcp } from './api.js';
import { name, zone } from './exec-common.js';

/** The instances to attach to and detach from one network endpoint group. */
export interface EndpointDelta {
  add: readonly string[];
  remove: readonly string[];
}

/** attach/detachNetworkEndpoints for the delta (GCE_VM_IP endpoints name the VM; its primary IP is implied). */
export async function changeEndpoints(
  gcp: Gcp,
  r: Resource,
  { add, remove }: EndpointDelta,
): Promise<void> {
  const neg = { project: gcp.project, zone: zone(r), networkEndpointGroup: name(r) };
  const endpoints = (names: readonly string[]) => names.map((instance) => ({ instance }));
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
