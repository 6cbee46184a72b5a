import type { LoadBalancer } from '@azure/arm-network';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureFake } from '../fakes/azure/server.js';
import { RG, sdkFor, startFakeCloud } from './support.js';

const lro = { updateIntervalInMs: 0 };

/** Rules of the fake that follow what ARM does and the adapter once got wrong (issue 10). */
describe('Azure fake: behaviour of the real ARM Network API', () => {
  let fake: AzureFake;
  beforeAll(async () => {
    fake = await startFakeCloud({ lro: 'sync' });
  });
  afterAll(() => fake.close());

  const vnet = () =>
    `/subscriptions/${fake.subscription}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet`;
  const member = (ip: string) => ({ name: ip, ipAddress: ip, virtualNetwork: { id: vnet() } });
  const lbBody = (sku: 'Standard' | 'Basic', addresses: string[] = []): LoadBalancer => ({
    location: 'eastus',
    sku: { name: sku },
    backendAddressPools: [{ name: 'pool', loadBalancerBackendAddresses: addresses.map(member) }],
  });

  it('drops pool members sent inside a load balancer PUT and keeps them only through the pool API', async () => {
    const client = sdkFor(fake);
    await client.loadBalancers.beginCreateOrUpdateAndWait(
      RG,
      'lb-a',
      lbBody('Standard', ['10.240.0.4']),
      lro,
    );
    const stored = await client.loadBalancers.get(RG, 'lb-a');
    expect(stored.backendAddressPools?.[0]?.loadBalancerBackendAddresses).toEqual([]);
    await client.loadBalancerBackendAddressPools.beginCreateOrUpdateAndWait(
      RG,
      'lb-a',
      'pool',
      { loadBalancerBackendAddresses: [member('10.240.0.4')] },
      lro,
    );
    // A later load balancer PUT without members (another child changed) keeps them.
    const lb = await client.loadBalancers.get(RG, 'lb-a');
    await client.loadBalancers.beginCreateOrUpdateAndWait(
      RG,
      'lb-a',
      { ...lb, backendAddressPools: [{ name: 'pool' }] },
      lro,
    );
    const pool = await client.loadBalancerBackendAddressPools.get(RG, 'lb-a', 'pool');
    expect(pool.loadBalancerBackendAddresses?.map((a) => a.ipAddress)).toEqual(['10.240.0.4']);
  });

  it('refuses IP-based members on a Basic load balancer and addresses outside the virtual network', async () => {
    const client = sdkFor(fake);
    await client.loadBalancers.beginCreateOrUpdateAndWait(RG, 'lb-basic', lbBody('Basic'), lro);
    await expect(
      client.loadBalancerBackendAddressPools.beginCreateOrUpdateAndWait(
        RG,
        'lb-basic',
        'pool',
        { loadBalancerBackendAddresses: [member('10.240.0.4')] },
        lro,
      ),
    ).rejects.toMatchObject({ statusCode: 400, code: 'IPBasedBackendPoolNotSupportedOnBasicSku' });
    await client.loadBalancers.beginCreateOrUpdateAndWait(RG, 'lb-b', lbBody('Standard'), lro);
    await expect(
      client.loadBalancerBackendAddressPools.beginCreateOrUpdateAndWait(
        RG,
        'lb-b',
        'pool',
        { loadBalancerBackendAddresses: [member('192.168.1.4')] },
        lro,
      ),
    ).rejects.toMatchObject({ statusCode: 400, code: 'IpAddressNotInVirtualNetworkAddressSpace' });
  });

  it('keeps probeThreshold', async () => {
    const client = sdkFor(fake);
    const written = await client.loadBalancers.beginCreateOrUpdateAndWait(
      RG,
      'lb-p',
      {
        location: 'eastus',
        sku: { name: 'Standard' },
        probes: [
          { name: 'p', protocol: 'Tcp', port: 30080, intervalInSeconds: 5, probeThreshold: 3 },
        ],
      },
      lro,
    );
    expect(written.probes?.[0]?.probeThreshold).toBe(3);
  });

  it('refuses service tags in the plural sourceAddressPrefixes, and more than 50 tags', async () => {
    const client = sdkFor(fake);
    const rule = (prefixes: string[]) => ({
      name: 'r',
      protocol: 'Tcp',
      access: 'Allow',
      direction: 'Inbound',
      priority: 500,
      sourcePortRange: '*',
      sourceAddressPrefixes: prefixes,
      destinationAddressPrefix: '10.240.0.4',
      destinationPortRange: '30080',
    });
    for (const tag of ['Internet', 'VirtualNetwork'])
      await expect(
        client.networkSecurityGroups.beginCreateOrUpdateAndWait(
          RG,
          'nsg-x',
          { location: 'eastus', securityRules: [rule(['10.0.0.0/8', tag])] },
          lro,
        ),
      ).rejects.toMatchObject({
        statusCode: 400,
        code: 'SecurityRuleParameterContainsUnsupportedValue',
      });
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'v']));
    await expect(
      client.networkSecurityGroups.beginCreateOrUpdateAndWait(
        RG,
        'nsg-t',
        { location: 'eastus', tags },
        lro,
      ),
    ).rejects.toMatchObject({ statusCode: 400, code: 'InvalidTag' });
  });

  it('takes a list of destination port ranges (as cloud-provider-azure writes them), but not both forms', async () => {
    const client = sdkFor(fake);
    const rule = (ports: { destinationPortRange?: string; destinationPortRanges?: string[] }) => ({
      name: 'r',
      protocol: 'Tcp',
      access: 'Allow',
      direction: 'Inbound',
      priority: 500,
      sourcePortRange: '*',
      sourceAddressPrefix: 'Internet',
      destinationAddressPrefix: '20.1.2.3',
      ...ports,
    });
    const written = await client.networkSecurityGroups.beginCreateOrUpdateAndWait(
      RG,
      'nsg-p',
      { location: 'eastus', securityRules: [rule({ destinationPortRanges: ['443', '80'] })] },
      lro,
    );
    expect(written.securityRules?.[0]?.destinationPortRanges).toEqual(['443', '80']);
    await expect(
      client.networkSecurityGroups.beginCreateOrUpdateAndWait(
        RG,
        'nsg-p',
        {
          location: 'eastus',
          securityRules: [rule({ destinationPortRange: '80', destinationPortRanges: ['443'] })],
        },
        lro,
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'SecurityRuleParameterContainsUnsupportedValue',
    });
  });
});
