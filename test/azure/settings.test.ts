import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { ARM_RATES, parseAzureSettings } from '../../providers/azure/settings.js';

const parse = (values: Record<string, string>, env: Record<string, string> = {}) =>
  parseAzureSettings({ clusterName: 'prod', values, env });

describe('azure settings', () => {
  it('defaults every name from the cluster and the rates from ARM’s buckets', () => {
    expect(parse({})).toMatchObject({
      resourceGroup: 'prod-rg',
      vnet: 'prod-vnet',
      subnet: 'prod-subnet',
      securityGroup: 'prod-nsg',
      location: 'eastus',
      rates: ARM_RATES,
    });
  });

  it('reads LBCTL_AZURE_<KEY>, and --set wins over it', () => {
    const env = {
      LBCTL_AZURE_SUBSCRIPTION_ID: '11111111-2222-3333-4444-555555555555',
      LBCTL_AZURE_RESOURCE_GROUP: 'from-env',
    };
    expect(parse({}, env)).toMatchObject({
      subscriptionId: env.LBCTL_AZURE_SUBSCRIPTION_ID,
      resourceGroup: 'from-env',
    });
    expect(parse({ 'resource-group': 'from-flag' }, env).resourceGroup).toBe('from-flag');
    expect(parse({ 'write-rate': '2.5', location: 'West Europe' })).toMatchObject({
      location: 'westeurope',
      rates: { writePerSecond: 2.5 },
    });
  });

  it.each([
    [
      { 'subscription-id': 'not-a-guid' },
      /subscription-id: Invalid value: "not-a-guid": must be a subscription GUID/,
    ],
    [{ 'read-rate': '0' }, /read-rate: Invalid value: "0": must be a positive number/],
    [{ vnet: 'bad/name' }, /vnet: Invalid value: "bad\/name"/],
    [{ token: 'x' }, /token: Invalid value: "<redacted>": must be only together with endpoint/],
    [{ endpoint: 'https://127.0.0.1:1/path' }, /endpoint: Invalid value/],
    [
      { regoin: 'x' },
      /--set regoin: Unsupported value: "regoin": supported keys: subscription-id, resource-group/,
    ],
  ])('refuses %j naming the key, the value and what is allowed', (values, message) => {
    expect(() => parse(values)).toThrow(InvalidInputError);
    expect(() => parse(values)).toThrow(message);
  });
});
