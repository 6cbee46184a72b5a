import {
  arrOf,
  badRequest,
  checkName,
  intIn,
  isCIDR,
  isIP,
  objOf,
  oneOf,
  refId,
  sameId,
  strOf,
  type Json,
  type Obj,
} from './arm.js';

/** What the validators need to know about the rest of the fake's world. */
export interface Lookup {
  subscription: string;
  resourceGroup: string;
  /** The stored public IP with this ID, if any. */
  publicIP(id: string): Obj | undefined;
  /** The ID of the frontend (in any load balancer but `exceptLb`) that already uses this public IP. */
  publicIPUser(pipId: string, exceptLb: string): string | undefined;
  /** The prefix of a known subnet (`<vnet id>/subnets/<name>`) or a known virtual network. */
  subnetPrefix(subnetId: string): string | undefined;
  isVnet(vnetId: string): boolean;
  allocatePrivateIP(subnetId: string, taken: ReadonlySet<string>): string;
  nextGuid(): string;
  nextEtag(): string;
}

const child = (
  id: string,
  kind: string,
  name: string,
  etag: string,
  type: string,
  properties: Obj,
): Obj => ({
  id: `${id}/${kind}/${name}`,
  name,
  etag,
  type: `Microsoft.Network/${type}/${kind}`,
  properties: { provisioningState: 'Succeeded', ...properties },
});

function uniqueNames(where: string, items: Obj[]): string[] {
  const names = items.map((i, n) => checkName(`${where}[${n}]`, i.name));
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toLowerCase()))
      throw badRequest('DuplicateResourceName', `${where} contains the name ${n} more than once.`);
    seen.add(n.toLowerCase());
  }
  return names;
}

function common(body: Obj, where: string): { location: string; tags: Obj } {
  const location = strOf(body.location);
  if (location === undefined || location === '')
    throw badRequest('LocationRequired', `The location property is required for ${where}.`);
  const tags = objOf(body.tags);
  for (const [k, v] of Object.entries(tags)) {
    if (/[<>%&\\?/]/.test(k) || k.length > 512)
      throw badRequest(
        'InvalidTagNameCharacters',
        `The tag name ${JSON.stringify(k)} has invalid characters '<,>,%,&,\\,?,/'.`,
      );
    if (typeof v !== 'string' || v.length > 256)
      throw badRequest(
        'InvalidTag',
        `The value of tag ${k} must be a string of at most 256 characters.`,
      );
  }
  return { location: location.toLowerCase().replaceAll(' ', ''), tags };
}

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
  const prevFrontends = arrOf(objOf(previous?.properties).frontendIPConfigurations);

  const fes = arrOf(p.frontendIPConfigurations);
  const feNames = uniqueNames('frontendIPConfigurations', fes);
  const taken = new Set<string>();
  for (const fe of fes) {
    const a = strOf(objOf(fe.properties).privateIPAddress);
    if (a !== undefined && strOf(objOf(fe.properties).privateIPAllocationMethod) === 'Static')
      taken.add(a);
  }
  let publicCount = 0;
  const frontends = fes.map((fe, n) => {
    const fp = objOf(fe.properties);
    const pip = refId(fp.publicIPAddress);
    const subnet = refId(fp.subnet);
    const feName = feNames[n] as string;
    if ((pip === undefined) === (subnet === undefined)) {
      throw badRequest(
        'InvalidRequestFormat',
        `Frontend IP configuration ${feName} must reference exactly one of publicIPAddress or subnet.`,
      );
    }
    const props: Obj = {};
    if (pip !== undefined) {
      publicCount++;
      const stored = w.publicIP(pip);
      if (stored === undefined)
        throw badRequest(
          'InvalidResourceReference',
          `Resource ${pip} referenced by resource ${id}/frontendIPConfigurations/${feName} was not found.`,
        );
      if (objOf(stored.sku).name !== sku)
        throw badRequest(
          'PublicIPAndLBSkuDoNotMatch',
          `Standard sku load balancer and public IP resources must match: ${pip} has sku ${String(objOf(stored.sku).name)}.`,
        );
      const user = w.publicIPUser(pip, id);
      if (user !== undefined)
        throw badRequest(
          'PublicIPReferencedByMultipleIPConfigs',
          `Public IP address ${pip} is referenced by multiple ipconfigs: ${user} and ${id}/frontendIPConfigurations/${feName}.`,
        );
      props.publicIPAddress = { id: stored.id as string };
      props.privateIPAllocationMethod = 'Dynamic';
    } else {
      const prefix = w.subnetPrefix(subnet as string);
      if (prefix === undefined)
        throw badRequest(
          'InvalidResourceReference',
          `Resource ${subnet} referenced by resource ${id}/frontendIPConfigurations/${feName} was not found.`,
        );
      const method = oneOf(
        `frontendIPConfigurations[${n}].privateIPAllocationMethod`,
        fp.privateIPAllocationMethod ?? 'Dynamic',
        ['Static', 'Dynamic'] as const,
      );
      let address = strOf(fp.privateIPAddress);
      if (method === 'Static') {
        if (address === undefined || !isIP(address))
          throw badRequest(
            'PrivateIPAddressInvalid',
            `Frontend ${feName} needs a valid privateIPAddress for Static allocation.`,
          );
      } else {
        const before = prevFrontends.find((f) => f.name === feName);
        address =
          strOf(objOf(before?.properties).privateIPAddress) ??
          w.allocatePrivateIP(subnet as string, taken);
      }
      taken.add(address);
      props.subnet = { id: subnet as string };
      props.privateIPAllocationMethod = method;
      props.privateIPAddress = address;
      props.privateIPAddressVersion = oneOf(
        'privateIPAddressVersion',
        fp.privateIPAddressVersion ?? 'IPv4',
        ['IPv4', 'IPv6'] as const,
      );
    }
    return child(id, 'frontendIPConfigurations', feName, etag, 'loadBalancers', props);
  });
  if (publicCount > 0 && publicCount < frontends.length) {
    throw badRequest(
      'LoadBalancerCannotHavePublicAndPrivateFrontends',
      `Load balancer ${name} cannot have both public and private frontend IP configurations.`,
    );
  }

  const pools = arrOf(p.backendAddressPools);
  const poolNames = uniqueNames('backendAddressPools', pools);
  const backendAddressPools = pools.map((pool, n) => {
    const addrs = arrOf(objOf(pool.properties).loadBalancerBackendAddresses);
    uniqueNames(`backendAddressPools[${n}].loadBalancerBackendAddresses`, addrs);
    const seen = new Set<string>();
    const loadBalancerBackendAddresses: Json[] = addrs.map((a) => {
      const ap = objOf(a.properties);
      const ip = strOf(ap.ipAddress);
      const vnet = refId(ap.virtualNetwork);
      if (ip === undefined || !isIP(ip))
        throw badRequest(
          'InvalidRequestFormat',
          `Backend address ${String(a.name)} has an invalid ipAddress ${JSON.stringify(ap.ipAddress)}.`,
        );
      if (vnet === undefined || !w.isVnet(vnet))
        throw badRequest(
          'InvalidResourceReference',
          `Virtual network ${String(vnet)} referenced by backend address ${String(a.name)} was not found.`,
        );
      if (seen.has(ip))
        throw badRequest(
          'DuplicateIpAddressesInBackendPool',
          `Backend pool ${String(poolNames[n])} contains the IP address ${ip} more than once.`,
        );
      seen.add(ip);
      return {
        name: a.name as string,
        properties: { ipAddress: ip, virtualNetwork: { id: vnet } },
      };
    });
    return child(id, 'backendAddressPools', poolNames[n] as string, etag, 'loadBalancers', {
      loadBalancerBackendAddresses,
    });
  });

  const probeItems = arrOf(p.probes);
  const probeNames = uniqueNames('probes', probeItems);
  const probes = probeItems.map((pr, n) => {
    const pp = objOf(pr.properties);
    const protocol = oneOf(`probes[${n}].protocol`, pp.protocol, ['Tcp', 'Http', 'Https'] as const);
    const requestPath = strOf(pp.requestPath);
    if (protocol === 'Tcp' && requestPath !== undefined)
      throw badRequest(
        'InvalidRequestFormat',
        `Probe ${String(probeNames[n])}: requestPath is not allowed for protocol Tcp.`,
      );
    if (protocol !== 'Tcp' && (requestPath === undefined || !requestPath.startsWith('/')))
      throw badRequest(
        'InvalidRequestFormat',
        `Probe ${String(probeNames[n])}: requestPath starting with / is required for protocol ${protocol}.`,
      );
    return child(id, 'probes', probeNames[n] as string, etag, 'loadBalancers', {
      protocol,
      port: intIn(`probes[${n}].port`, pp.port, 1, 65535),
      intervalInSeconds: intIn(
        `probes[${n}].intervalInSeconds`,
        pp.intervalInSeconds ?? 15,
        5,
        2147483647,
      ),
      numberOfProbes: intIn(`probes[${n}].numberOfProbes`, pp.numberOfProbes ?? 2, 1, 2147483647),
      ...(requestPath === undefined ? {} : { requestPath }),
    });
  });

  const ruleItems = arrOf(p.loadBalancingRules);
  const ruleNames = uniqueNames('loadBalancingRules', ruleItems);
  const claimed = new Map<string, string>();
  const loadBalancingRules = ruleItems.map((r, n) => {
    const rp = objOf(r.properties);
    const rn = ruleNames[n] as string;
    const ref = (
      what: string,
      list: Obj[],
      v: unknown,
      required: boolean,
    ): { id: string } | undefined => {
      const rid = refId(v);
      if (rid === undefined) {
        if (required)
          throw badRequest(
            'InvalidRequestFormat',
            `Load balancing rule ${rn} must reference a ${what}.`,
          );
        return undefined;
      }
      const hit = list.find((c) => sameId(rid, c.id as string));
      if (hit === undefined)
        throw badRequest(
          'InvalidResourceReference',
          `Resource ${rid} referenced by resource ${id}/loadBalancingRules/${rn} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        );
      return { id: hit.id as string };
    };
    const frontendIPConfiguration = ref(
      'frontendIPConfiguration',
      frontends,
      rp.frontendIPConfiguration,
      true,
    ) as { id: string };
    const backendAddressPool = ref(
      'backendAddressPool',
      backendAddressPools,
      rp.backendAddressPool,
      false,
    );
    const probe = ref('probe', probes, rp.probe, false);
    const protocol = oneOf(`loadBalancingRules[${n}].protocol`, rp.protocol, [
      'Tcp',
      'Udp',
      'All',
    ] as const);
    const frontendPort = intIn(
      `loadBalancingRules[${n}].frontendPort`,
      rp.frontendPort,
      protocol === 'All' ? 0 : 1,
      65534,
    );
    for (const proto of protocol === 'All' ? ['Tcp', 'Udp'] : [protocol]) {
      const key = `${frontendIPConfiguration.id.toLowerCase()}|${proto}|${frontendPort}`;
      const other = claimed.get(key);
      if (other !== undefined)
        throw badRequest(
          'RulesUseSameFrontendIPConfigurationAndPort',
          `Load balancing rules ${other} and ${rn} use the same frontend IP configuration, protocol ${proto} and port ${frontendPort}.`,
        );
      claimed.set(key, rn);
    }
    return child(id, 'loadBalancingRules', rn, etag, 'loadBalancers', {
      frontendIPConfiguration,
      ...(backendAddressPool === undefined ? {} : { backendAddressPool }),
      ...(probe === undefined ? {} : { probe }),
      protocol,
      frontendPort,
      backendPort: intIn(
        `loadBalancingRules[${n}].backendPort`,
        rp.backendPort,
        protocol === 'All' ? 0 : 1,
        65535,
      ),
      idleTimeoutInMinutes: intIn(
        `loadBalancingRules[${n}].idleTimeoutInMinutes`,
        rp.idleTimeoutInMinutes ?? 4,
        4,
        100,
      ),
      enableFloatingIP: rp.enableFloatingIP === true,
      enableTcpReset: rp.enableTcpReset === true,
      disableOutboundSnat: rp.disableOutboundSnat === true,
      loadDistribution: oneOf(
        `loadBalancingRules[${n}].loadDistribution`,
        rp.loadDistribution ?? 'Default',
        ['Default', 'SourceIP', 'SourceIPProtocol'] as const,
      ),
    });
  });
  // Read-only back references, as ARM returns them.
  for (const r of loadBalancingRules) {
    const rp = objOf(r.properties);
    for (const [list, key] of [
      [frontends, 'frontendIPConfiguration'],
      [backendAddressPools, 'backendAddressPool'],
      [probes, 'probe'],
    ] as const) {
      const target = list.find((c) => sameId(refId(rp[key]), c.id as string));
      if (target === undefined) continue;
      const tp = objOf(target.properties);
      tp.loadBalancingRules = [...arrOf(tp.loadBalancingRules), { id: r.id as string }];
      target.properties = tp;
    }
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
