import type { NetworkManagementClient } from '@azure/arm-network';
import { createNetworkClient, staticTokenCredential } from '../../providers/azure/clients.js';
import { parseAzureSettings } from '../../providers/azure/settings.js';
import { type AzureFake, type AzureFakeOptions, startAzureFake } from '../fakes/azure/server.js';

export const CLUSTER = 'prod';
export const RG = 'rg';

/** The provider settings that point at a fake. */
export function fakeSettings(fake: AzureFake, extra: Record<string, string> = {}) {
  return {
    clusterName: CLUSTER,
    values: {
      'subscription-id': fake.subscription,
      'resource-group': RG,
      vnet: 'vnet',
      subnet: 'subnet',
      'security-group': 'prod-nsg',
      endpoint: fake.endpoint,
      token: 'fake-token',
      ...extra,
    },
    env: {},
  };
}

/** A fake with one resource group, the cluster's virtual network and its tagged network security group. */
export async function startFakeCloud(options: AzureFakeOptions = {}): Promise<AzureFake> {
  const fake = await startAzureFake({
    resourceGroups: [RG, 'other-rg'],
    vnets: [
      {
        resourceGroup: RG,
        name: 'vnet',
        subnets: { subnet: '10.240.0.0/16', ilb: '10.241.0.0/16' },
      },
    ],
    ...options,
  });
  fake.store.put('networkSecurityGroups', RG, 'prod-nsg', {
    location: 'eastus',
    tags: { 'k8s-azure-cluster-name': CLUSTER },
    properties: { securityRules: [] },
  });
  return fake;
}

/** A raw SDK client for a fake, for tests that check the fake itself or seed foreign resources. */
export function sdkFor(fake: AzureFake): NetworkManagementClient {
  return createNetworkClient(parseAzureSettings(fakeSettings(fake)), {
    credential: staticTokenCredential('fake-token'),
    ca: fake.ca,
  });
}
