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
  const backendAddressPools = poolsOf(id, p, w, etag);
  const probes = probesOf(id, p, etag);
  const loadBalancingRules = rulesOf(id, p, { frontends, backendAddressPools, probes }, etag);
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
const isPrefix = (s: string) => SERVICE_TAGS.includes(s) || isCIDR(s);
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
      }
      if (one !== undefined) props[`${side}AddressPrefix`] = one;
      else props[`${side}AddressPrefixes`] = many;
      const port = strOf(rp[`${side}PortRange`]) ?? '';
      if (!isPortRange(port))
        throw badRequest(
          'SecurityRuleInvalidPortRange',
          `Security rule ${rn} has invalid ${side}PortRange ${JSON.stringify(port)}.`,
        );
      props[`${side}PortRange`] = port;
    }
    return child(id, 'securityRules', rn, etag, 'networkSecurityGroups', props);
  });
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
