import { refuseUnknownSettingKeys } from '../shared/settings.js';
import { InvalidInputError } from '../../src/core/errors.js';
import type { ProviderSettings } from '../../src/core/provider.js';

/** Validated AWS provider settings (from `--set key=value`, then `LBCTL_AWS_<KEY>`, then AWS's own variables). */
export interface AwsSettings {
  region?: string;
  vpcId?: string;
  subnets?: string[];
  /** The nodes' security group: lbctl adds (tagged) rules letting the NLB reach the NodePorts. */
  securityGroup?: string;
  /** Endpoint override for emulators such as moto: one endpoint for ELBv2 and EC2. */
  endpoint?: string;
  /** Client-side request rates per API class, requests per second. */
  rates: { describe?: number; mutate?: number; register?: number };
}

const KEYS = [
  'region',
  'vpc-id',
  'subnets',
  'security-group',
  'endpoint',
  'describe-rate',
  'mutate-rate',
  'register-rate',
] as const;
type Key = (typeof KEYS)[number];

/** How errors about the settings name their object: `provider aws settings: region: ...`. */
export const SETTINGS_OBJECT = 'provider aws settings';
const OBJECT = SETTINGS_OBJECT;

const PATTERNS: Partial<Record<Key, [RegExp, string]>> = {
  region: [/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as "us-east-1"'],
  'vpc-id': [/^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/, 'a VPC ID such as "vpc-0123456789abcdef0"'],
  'security-group': [
    /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/,
    'a security group ID such as "sg-0123456789abcdef0"',
  ],
};
const SUBNET = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;

const envName = (key: Key) => `LBCTL_AWS_${key.toUpperCase().replace(/-/g, '_')}`;

function raw(settings: ProviderSettings, key: Key): string | undefined {
  const v = settings.values[key] ?? settings.env[envName(key)];
  if (v !== undefined && v !== '') return v;
  if (key === 'region')
    return settings.env['AWS_REGION'] || settings.env['AWS_DEFAULT_REGION'] || undefined;
  return undefined;
}

function invalid(key: string, value: unknown, detail: string): InvalidInputError {
  return new InvalidInputError(OBJECT, [{ type: 'Invalid', field: key, value, detail }]);
}

/** Parses and validates; throws InvalidInputError naming the key, the value and what is allowed. */
export function parseSettings(settings: ProviderSettings): AwsSettings {
  refuseUnknownSettingKeys(OBJECT, settings.values, KEYS);
  const out: AwsSettings = { rates: {} };
  for (const key of KEYS) {
    const value = raw(settings, key);
    if (value === undefined) continue;
    const pattern = PATTERNS[key];
    if (pattern !== undefined && !pattern[0].test(value))
      throw invalid(key, value, `must be ${pattern[1]}`);
    switch (key) {
      case 'region':
        out.region = value;
        break;
      case 'vpc-id':
        out.vpcId = value;
        break;
      case 'security-group':
        out.securityGroup = value;
        break;
      case 'subnets': {
        const subnets = value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const bad = subnets.find((s) => !SUBNET.test(s));
        if (bad !== undefined || subnets.length === 0) {
          throw invalid(
            key,
            value,
            'must be a comma-separated list of subnet IDs such as "subnet-0123456789abcdef0"',
          );
        }
        out.subnets = [...new Set(subnets)].sort();
        break;
      }
      case 'endpoint': {
        let url: URL | undefined;
        try {
          url = new URL(value);
        } catch {
          url = undefined;
        }
        if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
          throw invalid(
            key,
            value,
            'must be an http:// or https:// URL such as "http://127.0.0.1:5000"',
          );
        }
        out.endpoint = value;
        break;
      }
      default: {
        const rate = Number(value);
        if (!Number.isFinite(rate) || rate <= 0)
          throw invalid(key, value, 'must be a positive number of requests per second');
        out.rates[key.replace('-rate', '') as 'describe' | 'mutate' | 'register'] = rate;
      }
    }
  }
  return out;
}

/**
 * True when the settings or the environment point at an AWS API: an endpoint override, or any
 * source of credentials the AWS SDK's default chain reads (keys, a profile, web identity, the
 * container or instance metadata credentials of a pod).
 */
export function isConfigured(settings: ProviderSettings): boolean {
  const s = parseSettings(settings);
  if (s.endpoint !== undefined) return true;
  const env = settings.env;
  return [
    'AWS_ENDPOINT_URL',
    'AWS_ACCESS_KEY_ID',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  ].some((k) => (env[k] ?? '') !== '');
}
