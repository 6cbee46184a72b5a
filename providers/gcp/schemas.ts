import type { SchemaSet } from '../../src/core/resource.js';
import { T } from './names.js';

/**
 * What can change in place follows the Compute API v1: addresses and forwarding rules only
 * take new labels (setLabels) after creation; health checks (PUT), backend services (PATCH with the
 * fingerprint) and firewalls (PUT) are updatable except for their identity;
 * network endpoint groups change only their endpoints (attach/detachNetworkEndpoints), and
 * their description cannot be patched.
 */
export const schemas: SchemaSet = {
  [T.address]: {
    type: T.address,
    forceNew: [
      'name',
      'region',
      'address_type',
      'network_tier',
      'subnetwork',
      'purpose',
      'ip_version',
      'address',
    ],
    sets: [],
    computed: ['address'],
    // The reserved address holds the IP: replacing it releases the IP.
    holdsAddress: {},
  },
  [T.healthCheck]: {
    type: T.healthCheck,
    forceNew: ['name', 'region'],
    sets: [],
    computed: [],
  },
  [T.endpointGroup]: {
    type: T.endpointGroup,
    forceNew: ['name', 'zone', 'network', 'subnetwork', 'network_endpoint_type', 'description'],
    sets: ['endpoints'],
    // Null in desired: the nodes' subnetwork, read from their instances at create.
    computed: ['subnetwork'],
  },
  [T.backendService]: {
    type: T.backendService,
    forceNew: ['name', 'region', 'protocol', 'load_balancing_scheme', 'network'],
    sets: ['backends'],
    computed: [],
    references: ['health_check', 'backends'],
  },
  [T.forwardingRule]: {
    type: T.forwardingRule,
    forceNew: [
      'name',
      'region',
      'load_balancing_scheme',
      'ip_protocol',
      'ports',
      'port_range',
      'all_ports',
      'ip_address',
      'backend_service',
      'network_tier',
      'network',
      'subnetwork',
    ],
    sets: [],
    computed: [],
    references: ['ip_address', 'backend_service'],
    // A new forwarding rule on the same reserved address keeps the IP.
    holdsAddress: { keptBy: ['ip_address'] },
  },
  [T.firewall]: {
    type: T.firewall,
    forceNew: ['name', 'network', 'direction'],
    sets: ['source_ranges', 'target_tags', 'destination_ranges'],
    // Null in desired: the nodes' network tags, read from their instances when the rule is written.
    computed: ['target_tags'],
    references: ['destination_ranges'],
  },
  // The in-tree provider's target pool and legacy HTTP health check: never desired, only observed
  // with `--adopt` and deleted by the migration (providers/gcp/intree.ts).
  [T.targetPool]: {
    type: T.targetPool,
    forceNew: ['name', 'region', 'session_affinity', 'health_checks'],
    sets: ['instances'],
    computed: [],
    references: ['health_checks'],
  },
  [T.httpHealthCheck]: {
    type: T.httpHealthCheck,
    forceNew: ['name'],
    sets: [],
    computed: [],
  },
};
