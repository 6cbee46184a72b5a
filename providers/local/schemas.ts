import type { SchemaSet } from '../../src/core/resource.js';

/**
 * The in-memory cloud's three resource types. They mirror the shape every real provider has
 * (a load balancer with an address the cloud picks, one listener and one target set per Service
 * port) so the controller and the planner are exercised exactly as with a cloud.
 */
export const LB = 'local_lb';
export const LISTENER = 'local_listener';
export const TARGET_SET = 'local_target_set';

export const localSchemas: SchemaSet = {
  [LB]: {
    type: LB,
    forceNew: ['name', 'scheme', 'requested_ip'],
    sets: ['source_ranges'],
    computed: ['address'],
    // The address is the cloud's pick unless the Service requested one (loadBalancerIP).
    holdsAddress: { keptBy: ['requested_ip'] },
  },
  [LISTENER]: {
    type: LISTENER,
    forceNew: ['load_balancer', 'protocol'],
    sets: [],
    computed: [],
    references: ['load_balancer', 'target_set'],
  },
  [TARGET_SET]: {
    type: TARGET_SET,
    forceNew: ['name', 'protocol'],
    sets: ['members'],
    computed: [],
  },
};
