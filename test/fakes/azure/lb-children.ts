import {
  arrOf,
  badRequest,
  intIn,
  isIP,
  objOf,
  oneOf,
  refId,
  sameId,
  strOf,
  type Json,
  type Obj,
} from './arm.js';
import { child, type Lookup, uniqueNames } from './validate-common.js';

/** Frontend IP configurations: exactly one of public IP or subnet, all public or all private, a public IP used once. */
export function frontendsOf(
  id: string,
  name: string,
  sku: string,
  p: Obj,
  previous: Obj | undefined,
  w: Lookup,
  etag: string,
): Obj[] {
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
  return frontends;
}

/**
 * Backend pools in a whole-load-balancer PUT: names only. IP-based members sent here are ignored
 * and the stored members of a same-named pool are kept (Microsoft: IP-based members are managed
 * through `loadBalancerBackendAddressPools` create-or-update; Bicep/Pulumi/Terraform users report
 * addresses in the load balancer PUT accepted and then dropped).
 */
export function poolsOf(id: string, p: Obj, previous: Obj | undefined, etag: string): Obj[] {
  const pools = arrOf(p.backendAddressPools);
  const poolNames = uniqueNames('backendAddressPools', pools);
  const before = arrOf(objOf(previous?.properties).backendAddressPools);
  return poolNames.map((name) => {
    const kept = before.find((b) => String(b.name).toLowerCase() === name.toLowerCase());
    return child(id, 'backendAddressPools', name, etag, 'loadBalancers', {
      loadBalancerBackendAddresses: arrOf(objOf(kept?.properties).loadBalancerBackendAddresses),
    });
  });
}

/** Standard SKU limit (Microsoft, "Azure subscription and service limits", Load Balancer): 5,000 IP configurations per backend pool. */
export const MAX_POOL_MEMBERS = 5000;

/**
 * The members of one IP-based pool (`loadBalancerBackendAddressPools` PUT): valid addresses in a
 * known virtual network, inside its address space, each once; Standard SKU only.
 */
export function poolMembersOf(lbSku: string, poolName: string, body: Obj, w: Lookup): Json[] {
  const addrs = arrOf(objOf(body.properties).loadBalancerBackendAddresses);
  // Microsoft: "IP based backend pools are only supported for Standard SKU load balancers".
  if (addrs.length > 0 && lbSku !== 'Standard')
    throw badRequest(
      'IPBasedBackendPoolNotSupportedOnBasicSku',
      `Backend pool ${poolName}: IP-based backend addresses need a Standard SKU load balancer, not ${lbSku}.`,
    );
  if (addrs.length > MAX_POOL_MEMBERS)
    throw badRequest(
      'LoadBalancerBackendAddressPoolLimitReached',
      `Backend pool ${poolName} has ${addrs.length} addresses; at most ${MAX_POOL_MEMBERS} are allowed.`,
    );
  uniqueNames(`backendAddressPools/${poolName}.loadBalancerBackendAddresses`, addrs);
  const seen = new Set<string>();
  return addrs.map((a) => {
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
    // Microsoft: the IP address of an IP-based member must belong to the referenced virtual network.
    if (!w.vnetContains(vnet, ip))
      throw badRequest(
        'IpAddressNotInVirtualNetworkAddressSpace',
        `Backend address ${String(a.name)}: ${ip} is not in the address space of virtual network ${vnet}.`,
      );
    if (seen.has(ip))
      throw badRequest(
        'DuplicateIpAddressesInBackendPool',
        `Backend pool ${poolName} contains the IP address ${ip} more than once.`,
      );
    seen.add(ip);
    return { name: a.name as string, properties: { ipAddress: ip, virtualNetwork: { id: vnet } } };
  });
}

export function probesOf(id: string, p: Obj, etag: string): Obj[] {
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
      // Stored as sent but not honoured (Microsoft: "numberOfProbes ... is not respected; use probeThreshold").
      numberOfProbes: intIn(`probes[${n}].numberOfProbes`, pp.numberOfProbes ?? 2, 1, 2147483647),
      // The number of consecutive failures that take an instance out of rotation (default 1).
      probeThreshold: intIn(`probes[${n}].probeThreshold`, pp.probeThreshold ?? 1, 1, 2147483647),
      ...(requestPath === undefined ? {} : { requestPath }),
    });
  });

  return probes;
}

/** Rules: references inside this load balancer only, one rule per frontend, protocol and port; adds ARM's read-only back references. */
export function rulesOf(
  id: string,
  p: Obj,
  refs: { frontends: Obj[]; backendAddressPools: Obj[]; probes: Obj[] },
  etag: string,
): Obj[] {
  const { frontends, backendAddressPools, probes } = refs;
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
  return loadBalancingRules;
}
