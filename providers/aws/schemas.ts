import type { ResourceSchema, SchemaSet } from '../../src/core/resource.js';

/**
 * What the planner must know about each AWS resource lbctl manages. Names follow Terraform's
 * AWS provider. Attributes that AWS cannot change in place are forceNew; target and CIDR lists
 * are member sets so that only the delta is registered or authorized.
 *
 * `vpc_id` and `subnets` are optional: when the operator configured none, the desired graph
 * leaves them out (the planner compares only what desired defines) and execute discovers them
 * (subnets tagged `kubernetes.io/role/elb`), like the in-tree provider does.
 */
export const LB = 'aws_lb';
export const TARGET_GROUP = 'aws_lb_target_group';
export const LISTENER = 'aws_lb_listener';
export const SECURITY_GROUP = 'aws_security_group';
export const INGRESS_RULE = 'aws_vpc_security_group_ingress_rule';

const schema = (s: ResourceSchema): ResourceSchema => s;

export const awsSchemas: SchemaSet = {
  [SECURITY_GROUP]: schema({
    type: SECURITY_GROUP,
    forceNew: ['name', 'description', 'vpc_id'],
    // Members `<protocol>:<port>:<cidr>`, e.g. `tcp:80:10.0.0.0/8`.
    sets: ['ingress'],
    computed: [],
  }),
  [LB]: schema({
    type: LB,
    // An NLB created with security groups can never lose them, and one created without can
    // never get any; subnets and Elastic IPs are fixed at creation for lbctl's purposes.
    forceNew: [
      'name',
      'scheme',
      'load_balancer_type',
      'security_group',
      'subnets',
      'eip_allocations',
    ],
    sets: [],
    computed: ['dns_name', 'zone_id'],
    references: ['security_group'],
    // Clients reach an NLB by its DNS name or its IPs; configured Elastic IPs move to the new one.
    holdsAddress: {
      keptBy: ['eip_allocations'],
      caveat: "the Elastic IPs stay; the NLB's DNS name (the Service's hostname) changes",
    },
  }),
  [TARGET_GROUP]: schema({
    type: TARGET_GROUP,
    forceNew: ['name', 'protocol', 'port', 'vpc_id', 'target_type'],
    // Members `<instance id>:<port>`.
    sets: ['targets'],
    computed: [],
  }),
  [LISTENER]: schema({
    type: LISTENER,
    // A listener pointing at a target group that is replaced must go first, or AWS refuses to
    // delete the group that is still in use.
    forceNew: ['load_balancer', 'default_target_group'],
    sets: [],
    computed: [],
    references: ['load_balancer', 'default_target_group'],
  }),
  [INGRESS_RULE]: schema({
    type: INGRESS_RULE,
    forceNew: [
      'security_group_id',
      'ip_protocol',
      'from_port',
      'to_port',
      'referenced_security_group',
    ],
    sets: [],
    computed: [],
    references: ['referenced_security_group'],
  }),
};
