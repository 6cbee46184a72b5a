import type { SchemaSet } from '../../src/core/resource.js';

/** Resource types of the Azure graph, named after the azurerm Terraform provider's. */
export const T = {
  lb: 'azurerm_lb',
  pool: 'azurerm_lb_backend_address_pool',
  frontend: 'azurerm_lb_frontend_ip_configuration',
  probe: 'azurerm_lb_probe',
  rule: 'azurerm_lb_rule',
  publicIP: 'azurerm_public_ip',
  securityRule: 'azurerm_network_security_rule',
} as const;

/**
 * Children of a load balancer or security group are elements of their parent's arrays, so a
 * new name (a listener's port changed, the health-check port changed) is an in-place update:
 * one write of the parent that renames the element and repoints the rules that referenced it.
 *
 * Every reference between children of the load balancer is forceNew: ARM refuses to delete a
 * frontend, probe or pool that a rule still uses, so a replaced parent must replace the rule too
 * (the planner then deletes the rule first).
 */
export const AZURE_SCHEMAS: SchemaSet = {
  [T.lb]: {
    type: T.lb,
    forceNew: ['name', 'location', 'sku'],
    sets: [],
    computed: [],
  },
  [T.pool]: {
    type: T.pool,
    forceNew: ['loadbalancer', 'virtual_network'],
    sets: ['addresses'],
    computed: [],
    references: ['loadbalancer'],
  },
  [T.publicIP]: {
    type: T.publicIP,
    forceNew: ['name', 'location', 'sku', 'allocation_method', 'ip_version'],
    sets: [],
    computed: ['ip_address'],
    holdsAddress: {},
  },
  [T.frontend]: {
    type: T.frontend,
    forceNew: [
      'loadbalancer',
      'public_ip',
      'public_ip_address',
      'subnet',
      'private_ip_address_version',
    ],
    sets: [],
    // A dynamic private address is absent from desired and so never diffed; a requested one is
    // compared (and changed in place), which is why it is not listed as computed.
    computed: [],
    references: ['loadbalancer', 'public_ip'],
    // A new frontend on the same public IP resource, or on the same requested private IP, keeps it.
    holdsAddress: { keptBy: ['public_ip', 'private_ip_address'] },
  },
  [T.probe]: {
    type: T.probe,
    forceNew: ['loadbalancer'],
    sets: [],
    computed: [],
    references: ['loadbalancer'],
  },
  [T.rule]: {
    type: T.rule,
    // A rule can be pointed at another pool or probe in place (one write of the load balancer):
    // a takeover moves the in-tree rules from the cluster's pool to the Service's. A replaced
    // pool or probe still replaces the rule through `references`.
    forceNew: ['loadbalancer', 'frontend_ip_configuration'],
    sets: [],
    computed: [],
    references: ['loadbalancer', 'frontend_ip_configuration', 'backend_address_pool', 'probe'],
  },
  [T.securityRule]: {
    type: T.securityRule,
    forceNew: ['network_security_group', 'direction'],
    sets: ['source_address_prefixes', 'destination_address_prefixes'],
    computed: ['priority'],
  },
};
