import { refuseUnknownSettingKeys } from '../shared/settings.js';
import { InvalidInputError } from '../../src/core/errors.js';
import type { ProviderSettings } from '../../src/core/provider.js';

/**
 * Azure settings, from `--set key=value` or `LBCTL_AZURE_<KEY>` (dashes as underscores).
 * Defaults let `lbctl plan` run from files with no settings at all; `connect` additionally
 * needs `subscription-id` and `resource-group`.
 */
export interface AzureSettings {
  clusterName: string;
  subscriptionId: string | undefined;
  resourceGroup: string;
  location: string;
  vnet: string;
  subnet: string;
  securityGroup: string;
  /** ARM endpoint override (a local fake); the SDK default is https://management.azure.com. */
  endpoint: string | undefined;
  /** A fixed bearer token, accepted only together with `endpoint` (tests and fakes). */
  token: string | undefined;
  /** PEM file of a CA to trust for `endpoint` (a fake's self-signed certificate). */
  caFile: string | undefined;
  /**
   * The rules' `disableOutboundSnat` (cloud-provider-azure's `disableOutboundSNAT`). Default true:
   * nodes get their outbound connectivity from an outbound rule or a NAT gateway. false keeps the
   * rules' default SNAT for clusters whose nodes rely on it (docs/azure.md).
   */
  disableOutboundSnat: boolean;
  /** Client-side token buckets modelled on ARM's per-subscription limits. */
  rates: { readPerSecond: number; readBurst: number; writePerSecond: number; writeBurst: number };
}

export const AZURE_SETTING_KEYS = [
  'subscription-id',
  'resource-group',
  'location',
  'vnet',
  'subnet',
  'security-group',
  'endpoint',
  'token',
  'ca-file',
  'disable-outbound-snat',
  'read-rate',
  'read-burst',
  'write-rate',
  'write-burst',
] as const;

/** ARM's token bucket per subscription and region: reads 250 refilled at 25/s, writes 200 at 10/s. */
export const ARM_RATES = { readPerSecond: 25, readBurst: 250, writePerSecond: 10, writeBurst: 200 };

const AZURE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$|^[A-Za-z0-9]$/;

export function parseAzureSettings(settings: ProviderSettings): AzureSettings {
  const get = (key: (typeof AZURE_SETTING_KEYS)[number]): string | undefined => {
    const v =
      settings.values[key] ?? settings.env[`LBCTL_AZURE_${key.toUpperCase().replaceAll('-', '_')}`];
    return v === undefined || v === '' ? undefined : v;
  };
  refuseUnknownSettingKeys('azure provider settings', settings.values, AZURE_SETTING_KEYS);
  const cluster = settings.clusterName;
  const name = (key: (typeof AZURE_SETTING_KEYS)[number], fallback: string): string => {
    const v = get(key) ?? fallback;
    if (!AZURE_NAME.test(v)) {
      throw invalid(
        key,
        v,
        '1-80 letters, digits, ".", "-" or "_", starting with a letter or digit',
      );
    }
    return v;
  };
  const rate = (key: (typeof AZURE_SETTING_KEYS)[number], fallback: number): number => {
    const v = get(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw invalid(key, v, 'a positive number');
    return n;
  };
  const subscriptionId = get('subscription-id');
  if (subscriptionId !== undefined && !/^[0-9a-fA-F-]{36}$/.test(subscriptionId)) {
    throw invalid('subscription-id', subscriptionId, 'a subscription GUID');
  }
  const endpoint = get('endpoint');
  if (endpoint !== undefined && !/^https:\/\/[^/]+\/?$/.test(endpoint)) {
    throw invalid('endpoint', endpoint, 'an https:// origin such as https://127.0.0.1:8443');
  }
  const token = get('token');
  if (token !== undefined && endpoint === undefined) {
    throw invalid('token', '<redacted>', 'only together with endpoint (a local fake)');
  }
  const snat = get('disable-outbound-snat');
  if (snat !== undefined && snat !== 'true' && snat !== 'false') {
    throw invalid('disable-outbound-snat', snat, 'true or false');
  }
  return {
    clusterName: cluster,
    subscriptionId,
    resourceGroup: name('resource-group', `${cluster}-rg`),
    location: (get('location') ?? 'eastus').toLowerCase().replaceAll(' ', ''),
    vnet: name('vnet', `${cluster}-vnet`),
    subnet: name('subnet', `${cluster}-subnet`),
    securityGroup: name('security-group', `${cluster}-nsg`),
    endpoint: endpoint?.replace(/\/$/, ''),
    token,
    caFile: get('ca-file'),
    disableOutboundSnat: snat !== 'false',
    rates: {
      readPerSecond: rate('read-rate', ARM_RATES.readPerSecond),
      readBurst: rate('read-burst', ARM_RATES.readBurst),
      writePerSecond: rate('write-rate', ARM_RATES.writePerSecond),
      writeBurst: rate('write-burst', ARM_RATES.writeBurst),
    },
  };
}

function invalid(key: string, value: unknown, allowed: string): InvalidInputError {
  return new InvalidInputError('azure provider settings', [
    { type: 'Invalid', field: key, value, detail: `must be ${allowed}` },
  ]);
}
