import {
  arrOf,
  badRequest,
  intIn,
  isCIDR,
  objOf,
  oneOf,
  strOf,
  type Json,
  type Obj,
} from './arm.js';
import { frontendsOf, poolsOf, probesOf, rulesOf } from './lb-children.js';
import { child, common, type Lookup, uniqueNames } from './validate-common.js';

export type { Lookup } from './validate-common.js';

/** Validates a load balancer PUT the way ARM does and returns the stored representation. */
export function normalizeLoadBalancer(
  id: string,
  name: string,
  body: Obj,
  previous: Obj | undefined,
  w: Lookup,
): Obj {
  const { location, tags } = common(body, id);
  const sku = oneOf('sku.name', objOf(body.sku).name ?? 'Basic', [
    'Basic',
    'Standard',
    'Gateway',
  ] as const);
  if (previous !== undefined && objOf(previous.sku).name !== sku) {
    throw badRequest(
      'PropertyChangeNotAllowed',
      `Changing property 'sku.name' is not allowed for load balancer ${name}.`,
    );
  }
  const p = objOf(body.properties);
  const etag = w.nextEtag();
  const frontends = frontendsOf(id, name, sku, p, previous, w, etag);
  const backendAddressPools = poolsOf(id, p, previous, etag);
  const probes = probesOf(id, p, etag);
  const loadBalancingRules = rulesOf(id, p, { frontends, backendAddressPools, probes }, etag);
  // Standard SKU limits (Microsoft, "Azure subscription and service limits", Load Balancer).
  for (const [what, list, max] of [
    ['frontend IP configurations', frontends, 600],
    ['rules (load balancing and inbound NAT)', loadBalancingRules, 1500],
  ] as const) {
    if (sku === 'Standard' && list.length > max)
      throw badRequest(
        'LoadBalancerLimitExceeded',
        `Load balancer ${name} has ${list.length} ${what}; a Standard load balancer allows at most ${max}.`,
      );
  }
  return {
    id,
    name,
    type: 'Microsoft.Network/loadBalancers',
    location,
    ...(Object.keys(tags).length === 0 ? {} : { tags }),
    sku: { name: sku, tier: 'Regional' },
    etag,
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: strOf(objOf(previous?.properties).resourceGuid) ?? w.nextGuid(),
      frontendIPConfigurations: frontends,
      backendAddressPools,
      probes,
      loadBalancingRules,
      inboundNatRules: [],
      outboundRules: [],
      inboundNatPools: [],
    },
  };
}

/** Validates a public IP PUT; the address is allocated once and kept for the resource's life. */
export function normalizePublicIP(
  id: string,
  name: string,
  body: Obj,
  previous: Obj | undefined,
  w: Lookup,
  allocate: () => string,
): Obj {
  const { location, tags } = common(body, id);
  const p = objOf(body.properties);
  const sku = oneOf('sku.name', objOf(body.sku).name ?? 'Basic', ['Basic', 'Standard'] as const);
  const version = oneOf('publicIPAddressVersion', p.publicIPAddressVersion ?? 'IPv4', [
    'IPv4',
    'IPv6',
  ] as const);
  const method = oneOf('publicIPAllocationMethod', p.publicIPAllocationMethod ?? 'Dynamic', [
    'Static',
    'Dynamic',
  ] as const);
  if (sku === 'Standard' && method !== 'Static') {
    throw badRequest(
      'StandardSkuPublicIPAddressesMustBeStatic',
      `Standard sku publicIp ${id} must specify publicIPAllocationMethod as Static.`,
    );
  }
  const pp = objOf(previous?.properties);
  if (
    previous !== undefined &&
    (objOf(previous.sku).name !== sku || pp.publicIPAddressVersion !== version)
  ) {
    throw badRequest(
      'PropertyChangeNotAllowed',
      `Changing sku or publicIPAddressVersion of public IP ${name} is not allowed.`,
    );
  }
  return {
    id,
    name,
    type: 'Microsoft.Network/publicIPAddresses',
    location,
    ...(Object.keys(tags).length === 0 ? {} : { tags }),
    sku: { name: sku, tier: 'Regional' },
    etag: w.nextEtag(),
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: strOf(pp.resourceGuid) ?? w.nextGuid(),
      publicIPAddressVersion: version,
      publicIPAllocationMethod: method,
      idleTimeoutInMinutes: intIn('idleTimeoutInMinutes', p.idleTimeoutInMinutes ?? 4, 4, 30),
      ipAddress: strOf(pp.ipAddress) ?? allocate(),
    },
  };
}

const SERVICE_TAGS = ['*', 'Internet', 'VirtualNetwork', 'AzureLoadBalancer'];
const isTag = (s: string) => SERVICE_TAGS.some((t) => t.toLowerCase() === s.toLowerCase());
const isPrefix = (s: string) => isTag(s) || isCIDR(s);
/** Microsoft, "Azure subscription and service limits", Networking: per network security group. */
const MAX_SECURITY_RULES = 1000;
const MAX_PREFIXES = 4000;
const isPortRange = (s: string) => s === '*' || /^\d{1,5}(-\d{1,5})?$/.test(s);

/** Validates a network security group PUT including every rule; priorities are unique per direction. */
export function normalizeSecurityGroup(
  id: string,
  name: string,
  body: Obj,
  previous: Obj | undefined,
  w: Lookup,
): Obj {
  const { location, tags } = common(body, id);
  const etag = w.nextEtag();
  const rules = arrOf(objOf(body.properties).securityRules);
  const names = uniqueNames('securityRules', rules);
  if (rules.length > MAX_SECURITY_RULES)
    throw badRequest(
      'SecurityRulesLimitExceeded',
      `Network security group ${name} has ${rules.length} security rules; at most ${MAX_SECURITY_RULES} are allowed.`,
    );
  const prefixCount = { source: 0, destination: 0 };
  const priorities = new Map<string, string>();
  const securityRules = rules.map((r, n) => {
    const rp = objOf(r.properties);
    const rn = names[n] as string;
    const direction = oneOf(`securityRules[${n}].direction`, rp.direction, [
      'Inbound',
      'Outbound',
    ] as const);
    const priority = intIn(`securityRules[${n}].priority`, rp.priority, 100, 4096);
    const other = priorities.get(`${direction}|${priority}`);
    if (other !== undefined)
      throw badRequest(
        'SecurityRuleConflict',
        `Security rule ${rn} conflicts with rule ${other}. Rules cannot have the same Priority and Direction.`,
      );
    priorities.set(`${direction}|${priority}`, rn);
    const props: Obj = {
      protocol: oneOf(`securityRules[${n}].protocol`, rp.protocol, [
        'Tcp',
        'Udp',
        'Icmp',
        'Esp',
        'Ah',
        '*',
      ] as const),
      access: oneOf(`securityRules[${n}].access`, rp.access, ['Allow', 'Deny'] as const),
      priority,
      direction,
    };
    const description = strOf(rp.description);
    // ARM: a security rule's description is "restricted to 140 chars".
    if (description !== undefined && description.length > 140)
      throw badRequest(
        'SecurityRuleDescriptionTooLong',
        `Security rule ${rn}: the description is limited to 140 characters, got ${description.length}.`,
      );
    if (description !== undefined) props.description = description;
    for (const side of ['source', 'destination'] as const) {
      const one = strOf(rp[`${side}AddressPrefix`]);
      const many = Array.isArray(rp[`${side}AddressPrefixes`])
        ? (rp[`${side}AddressPrefixes`] as Json[])
        : [];
      if ((one === undefined) === (many.length === 0))
        throw badRequest(
          'SecurityRuleParameterContainsUnsupportedValue',
          `Security rule ${rn} must specify exactly one of ${side}AddressPrefix or ${side}AddressPrefixes.`,
        );
      for (const pre of one === undefined ? many : [one]) {
        if (typeof pre !== 'string' || !isPrefix(pre))
          throw badRequest(
            'SecurityRuleInvalidAddressPrefix',
            `Security rule ${rn} has invalid Address prefix. Value provided: ${JSON.stringify(pre)}.`,
          );
        // ARM: the plural form "cannot specify existing VIRTUALNETWORK, INTERNET, AZURELOADBALANCER, '*' or system tags".
        if (one === undefined && isTag(pre))
          throw badRequest(
            'SecurityRuleParameterContainsUnsupportedValue',
            `Security rule parameter ${side[0]?.toUpperCase()}${side.slice(1)}AddressPrefixes for rule ${rn} cannot specify existing VIRTUALNETWORK, INTERNET, AZURELOADBALANCER, '*' or system tags. Unsupported value used: ${pre}.`,
          );
        if (!isTag(pre)) prefixCount[side]++;
      }
      if (one !== undefined) props[`${side}AddressPrefix`] = one;
      else props[`${side}AddressPrefixes`] = many;
      // ARM: a port range is given either as `<side>PortRange` or as the list `<side>PortRanges`
      // (cloud-provider-azure writes the list); here exactly one, and `*` only alone (stricter).
      const ranges = Array.isArray(rp[`${side}PortRanges`])
        ? (rp[`${side}PortRanges`] as Json[])
        : [];
      const port = strOf(rp[`${side}PortRange`]);
      if (ranges.length > 0) {
        if (port !== undefined && port !== '')
          throw badRequest(
            'SecurityRuleParameterContainsUnsupportedValue',
            `Security rule ${rn} must specify exactly one of ${side}PortRange or ${side}PortRanges.`,
          );
        for (const r of ranges)
          if (typeof r !== 'string' || r === '*' || !isPortRange(r))
            throw badRequest(
              'SecurityRuleInvalidPortRange',
              `Security rule ${rn} has invalid ${side}PortRanges entry ${JSON.stringify(r)}.`,
            );
        props[`${side}PortRanges`] = ranges;
        continue;
      }
      if (port === undefined || !isPortRange(port))
        throw badRequest(
          'SecurityRuleInvalidPortRange',
          `Security rule ${rn} has invalid ${side}PortRange ${JSON.stringify(port ?? '')}.`,
        );
      props[`${side}PortRange`] = port;
    }
    return child(id, 'securityRules', rn, etag, 'networkSecurityGroups', props);
  });
  // The error cloud-provider-azure#2725 reports ("has 4094 DestinationAddressPrefixes ... not more than 4000").
  for (const side of ['source', 'destination'] as const)
    if (prefixCount[side] > MAX_PREFIXES)
      throw badRequest(
        'SecurityRuleAddressesOrPortsPerSecurityGroupLimitReached',
        `Network security group ${name} has ${prefixCount[side]} ${side === 'source' ? 'Source' : 'Destination'}AddressPrefixes. A security group cannot have more than ${MAX_PREFIXES} as per the limit MaxSecurityRuleAddressesOrPortsPerSecurityGroup.`,
      );
  return {
    id,
    name,
    type: 'Microsoft.Network/networkSecurityGroups',
    location,
    ...(Object.keys(tags).length === 0 ? {} : { tags }),
    etag,
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: strOf(objOf(previous?.properties).resourceGuid) ?? w.nextGuid(),
      securityRules,
      defaultSecurityRules: [],
    },
  };
}
