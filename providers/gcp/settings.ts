import { refuseUnknownSettingKeys } from '../shared/settings.js';
import { InvalidInputError } from '../../src/core/errors.js';
import type { ProviderSettings } from '../../src/core/provider.js';

/**
 * Settings of the gcp provider, from `--set key=value` or `LBCTL_GCP_<KEY>` (dashes become
 * underscores). The model needs only `region`, `network`, `subnetwork` and `node-tags`;
 * connecting also needs `project`.
 */
export interface GcpSettings {
  project: string | undefined;
  region: string;
  /** VPC network name (firewalls and internal load balancers). */
  network: string;
  /**
   * Subnetwork of the nodes' endpoint groups and of internal addresses and forwarding rules.
   * Unset: endpoint groups take the subnetwork of the nodes' nic0, internal load balancers `default`.
   */
  subnetwork: string | undefined;
  /** Network tags of the nodes; firewalls target them. Empty: the tags are read from the nodes' instances. */
  nodeTags: string[];
  /** `http://127.0.0.1:PORT` of a local Compute API (the fake); credentials are then not looked up. */
  endpoint: string | undefined;
  /** A fixed access token sent with an endpoint override (tests, the fake). */
  accessToken: string | undefined;
  /** Client-side rate limits in calls per minute (Google Compute's per-project quotas by default). */
  readPerMinute: number;
  writePerMinute: number;
}

export const DEFAULT_REGION = 'us-central1';
export const DEFAULT_NETWORK = 'default';
/** Internal load balancers without a `subnetwork` setting: Google's default VPC has a subnetwork `default` in every region. */
export const DEFAULT_SUBNETWORK = 'default';
/**
 * Compute Engine's published per-project rate quotas (cloud.google.com/compute/docs/api-rate-limits):
 * "Read requests" (`*.get`/`*.list`, compute.googleapis.com/read_requests) and "Queries"
 * (mutations, compute.googleapis.com/default), 1,500 requests per minute each. Exceeding one
 * answers 403 `rateLimitExceeded`. Operators with raised quotas set `read-per-minute` and
 * `write-per-minute`.
 */
export const DEFAULT_READ_PER_MINUTE = 1500;
export const DEFAULT_WRITE_PER_MINUTE = 1500;

const KEYS = [
  'project',
  'region',
  'network',
  'subnetwork',
  'node-tags',
  'endpoint',
  'access-token',
  'read-per-minute',
  'write-per-minute',
] as const;
type Key = (typeof KEYS)[number];

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PROJECT = /^[a-z][-a-z0-9.:]{4,61}[a-z0-9]$/;

export function readSettings(settings: ProviderSettings): GcpSettings {
  const object = 'provider gcp';
  refuseUnknownSettingKeys(object, settings.values, KEYS);
  const get = (key: Key): string | undefined => {
    const v =
      settings.values[key] ?? settings.env[`LBCTL_GCP_${key.toUpperCase().replaceAll('-', '_')}`];
    return v === undefined || v === '' ? undefined : v;
  };
  const name = (key: Key, pattern: RegExp, what: string): string | undefined => {
    const v = get(key);
    if (v !== undefined && !pattern.test(v)) {
      throw new InvalidInputError(object, [
        { type: 'Invalid', field: `settings.${key}`, value: v, detail: what },
      ]);
    }
    return v;
  };
  const rate = (key: Key, fallback: number): number => {
    const v = get(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      throw new InvalidInputError(object, [
        {
          type: 'Invalid',
          field: `settings.${key}`,
          value: v,
          detail: 'must be a positive number of calls per minute',
        },
      ]);
    }
    return n;
  };
  const gceName =
    'must be a Compute Engine name: lower case letters, digits and dashes, starting with a letter, at most 63 characters';
  const endpoint = get('endpoint');
  if (endpoint !== undefined && !/^https?:\/\/[^/]+\/?$/.test(endpoint)) {
    throw new InvalidInputError(object, [
      {
        type: 'Invalid',
        field: 'settings.endpoint',
        value: endpoint,
        detail: 'must be a URL of the form http(s)://host:port',
      },
    ]);
  }
  const tags = (get('node-tags') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  for (const t of tags) {
    if (!NAME.test(t)) {
      throw new InvalidInputError(object, [
        { type: 'Invalid', field: 'settings.node-tags', value: t, detail: gceName },
      ]);
    }
  }
  return {
    project:
      name(
        'project',
        PROJECT,
        'must be a Google Cloud project ID (6-30 lower case letters, digits and dashes)',
      ) ??
      settings.env['GOOGLE_CLOUD_PROJECT'] ??
      undefined,
    region: name('region', NAME, gceName) ?? DEFAULT_REGION,
    network: name('network', NAME, gceName) ?? DEFAULT_NETWORK,
    subnetwork: name('subnetwork', NAME, gceName),
    nodeTags: [...new Set(tags)].sort(),
    endpoint: endpoint?.replace(/\/$/, ''),
    accessToken: get('access-token'),
    readPerMinute: rate('read-per-minute', DEFAULT_READ_PER_MINUTE),
    writePerMinute: rate('write-per-minute', DEFAULT_WRITE_PER_MINUTE),
  };
}
