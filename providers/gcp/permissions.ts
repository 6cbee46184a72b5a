/**
 * The IAM permissions each Compute API method lbctl calls needs (Compute Engine IAM
 * reference). infra/gcp/role.yaml grants exactly their union; test/gcp/role.test.ts checks that
 * every method the code calls is listed here and that the role matches.
 */
export const PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  'addresses.list': ['compute.addresses.list'],
  'addresses.get': ['compute.addresses.get'],
  // Internal addresses are reserved in a subnetwork.
  'addresses.insert': [
    'compute.addresses.create',
    'compute.addresses.createInternal',
    'compute.subnetworks.use',
  ],
  'addresses.setLabels': ['compute.addresses.setLabels'],
  'addresses.delete': ['compute.addresses.delete', 'compute.addresses.deleteInternal'],
  'forwardingRules.list': ['compute.forwardingRules.list'],
  'forwardingRules.get': ['compute.forwardingRules.get'],
  // A rule uses the reserved address and the backend service; internal ones a network and subnetwork.
  'forwardingRules.insert': [
    'compute.forwardingRules.create',
    'compute.addresses.use',
    'compute.addresses.useInternal',
    'compute.regionBackendServices.use',
    'compute.networks.use',
    'compute.subnetworks.use',
  ],
  'forwardingRules.setLabels': ['compute.forwardingRules.setLabels'],
  'forwardingRules.delete': ['compute.forwardingRules.delete'],
  'regionBackendServices.list': ['compute.regionBackendServices.list'],
  'regionBackendServices.get': ['compute.regionBackendServices.get'],
  'regionBackendServices.insert': [
    'compute.regionBackendServices.create',
    'compute.regionHealthChecks.useReadOnly',
    'compute.networkEndpointGroups.use',
  ],
  'regionBackendServices.patch': [
    'compute.regionBackendServices.update',
    'compute.regionHealthChecks.useReadOnly',
    'compute.networkEndpointGroups.use',
  ],
  'regionBackendServices.delete': ['compute.regionBackendServices.delete'],
  'regionHealthChecks.list': ['compute.regionHealthChecks.list'],
  'regionHealthChecks.get': ['compute.regionHealthChecks.get'],
  'regionHealthChecks.insert': ['compute.regionHealthChecks.create'],
  'regionHealthChecks.update': ['compute.regionHealthChecks.update'],
  'regionHealthChecks.delete': ['compute.regionHealthChecks.delete'],
  'networkEndpointGroups.get': ['compute.networkEndpointGroups.get'],
  'networkEndpointGroups.aggregatedList': ['compute.networkEndpointGroups.list'],
  'networkEndpointGroups.listNetworkEndpoints': ['compute.networkEndpointGroups.get'],
  'networkEndpointGroups.insert': ['compute.networkEndpointGroups.create'],
  'networkEndpointGroups.attachNetworkEndpoints': [
    'compute.networkEndpointGroups.attachNetworkEndpoints',
    'compute.instances.use',
  ],
  'networkEndpointGroups.detachNetworkEndpoints': [
    'compute.networkEndpointGroups.detachNetworkEndpoints',
    'compute.instances.use',
  ],
  'networkEndpointGroups.delete': ['compute.networkEndpointGroups.delete'],
  // The nodes' network tags and nic0 subnetwork, when no setting names them.
  'instances.aggregatedList': ['compute.instances.list'],
  'firewalls.list': ['compute.firewalls.list'],
  'firewalls.get': ['compute.firewalls.get'],
  // Changing a network's firewall rules also needs updatePolicy on the network.
  'firewalls.insert': ['compute.firewalls.create', 'compute.networks.updatePolicy'],
  'firewalls.update': ['compute.firewalls.update', 'compute.networks.updatePolicy'],
  'firewalls.delete': ['compute.firewalls.delete', 'compute.networks.updatePolicy'],
  // `--adopt` only (issue 12): the in-tree provider's target pool and legacy HTTP health check,
  // read when lbctl finds no forwarding rule of its own and deleted by the migration.
  'targetPools.get': ['compute.targetPools.get'],
  'targetPools.list': ['compute.targetPools.list'],
  'targetPools.delete': ['compute.targetPools.delete'],
  'httpHealthChecks.get': ['compute.httpHealthChecks.get'],
  'httpHealthChecks.delete': ['compute.httpHealthChecks.delete'],
  'regionOperations.wait': ['compute.regionOperations.get'],
  'zoneOperations.wait': ['compute.zoneOperations.get'],
  'globalOperations.wait': ['compute.globalOperations.get'],
};

export const requiredPermissions = (): string[] =>
  [...new Set(Object.values(PERMISSIONS).flat())].sort();
