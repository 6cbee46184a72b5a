import { createHash } from 'node:crypto';
import {
  CLUSTER_TAG_PREFIX,
  clusterTagKey,
  OWNED,
  RESOURCE_TAG,
  SERVICE_NAME_TAG,
  SERVICE_UID_TAG,
} from '../../src/core/tags.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';

/**
 * Google labels cannot hold the ownership tags of src/core/tags.ts verbatim: keys and values
 * are lower case `[a-z0-9_-]`, at most 63 characters, keys start with a letter. lbctl maps
 * them like this (same meaning, one label each):
 *
 * | tag (src/core/tags.ts)                 | label                                   |
 * |----------------------------------------|-----------------------------------------|
 * | kubernetes.io/cluster/<cluster>: owned | lbctl-cluster: <cluster as label value> |
 * | kubernetes.io/service-name: ns/name    | lbctl-service-ns: ns, lbctl-service-name: name |
 * | kubernetes.io/service-uid: uid         | lbctl-service-uid: uid                  |
 * | lbctl.io/resource: type.name           | lbctl-resource: type-name (first `-` is the dot) |
 *
 * A value that is not already a valid label value is lower-cased, its other characters become
 * `-`, and it is cut to 54 characters plus `-` and 8 hex digits of its SHA-1, so two different
 * inputs never share a label. Only addresses and forwarding rules have labels; firewalls,
 * health checks, backend services and network endpoint groups carry the same ownership as JSON in
 * their `description`, the way the in-tree provider writes `{"kubernetes.io/service-name":...}`.
 */
export const CLUSTER_LABEL = 'lbctl-cluster';
export const SERVICE_NS_LABEL = 'lbctl-service-ns';
export const SERVICE_NAME_LABEL = 'lbctl-service-name';
export const SERVICE_UID_LABEL = 'lbctl-service-uid';
export const RESOURCE_LABEL = 'lbctl-resource';

const VALID_VALUE = /^[a-z0-9_-]{0,63}$/;
const VALID_KEY = /^[a-z][a-z0-9_-]{0,62}$/;

export function labelValue(value: string): string {
  if (VALID_VALUE.test(value)) return value;
  const hash = createHash('sha1').update(value).digest('hex').slice(0, 8);
  const cleaned = value.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
  return `${cleaned.slice(0, 54)}-${hash}`;
}

export function labelKey(key: string): string {
  if (VALID_KEY.test(key)) return key;
  const value = labelValue(key);
  return /^[a-z]/.test(value) ? value.slice(0, 63) : `k-${value}`.slice(0, 63);
}

export const resourceLabelValue = (address: string): string => address.replace('.', '-');

/** `google_compute_forwarding_rule-udp` → `google_compute_forwarding_rule.udp` (types have no `-`). */
export function addressFromLabel(value: string): string | undefined {
  const dash = value.indexOf('-');
  return dash <= 0 ? undefined : `${value.slice(0, dash)}.${value.slice(dash + 1)}`;
}

export function ownershipLabels(
  clusterName: string,
  service: ServiceIdentity,
  address: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const labels: Record<string, string> = {};
  // User labels first so that they can never overwrite an ownership label.
  for (const [k, v] of Object.entries(extra)) labels[labelKey(k)] = labelValue(v);
  labels[CLUSTER_LABEL] = labelValue(clusterName);
  labels[SERVICE_NS_LABEL] = labelValue(service.namespace);
  labels[SERVICE_NAME_LABEL] = labelValue(service.name);
  labels[SERVICE_UID_LABEL] = labelValue(service.uid);
  labels[RESOURCE_LABEL] = resourceLabelValue(address);
  return labels;
}

export const isLabelOwnedBy = (
  labels: Readonly<Record<string, string>> | null | undefined,
  clusterName: string,
): boolean => labels?.[CLUSTER_LABEL] === labelValue(clusterName);

/**
 * The ownership JSON written into `description`. Keys are the tag keys of src/core/tags.ts,
 * in a fixed order so the text is stable. Pass no service for a resource shared by the cluster.
 */
export function ownershipDescription(
  clusterName: string,
  service: ServiceIdentity | undefined,
  address: string,
): string {
  const o: Record<string, string> = {};
  if (service !== undefined) {
    o[SERVICE_NAME_TAG] = `${service.namespace}/${service.name}`;
    o[SERVICE_UID_TAG] = service.uid;
  }
  o[clusterTagKey(clusterName)] = OWNED;
  o[RESOURCE_TAG] = address;
  return JSON.stringify(o);
}

export interface DescriptionOwnership {
  clusters: string[];
  serviceName?: string;
  serviceUid?: string;
  address?: string;
}

/** Reads a description written by ownershipDescription (or the in-tree provider); undefined when it is not ownership JSON. */
export function parseDescription(
  description: string | null | undefined,
): DescriptionOwnership | undefined {
  if (description === null || description === undefined || !description.startsWith('{'))
    return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(description);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const o = parsed as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const clusters = Object.keys(o)
    .filter((k) => k.startsWith(CLUSTER_TAG_PREFIX) && o[k] === OWNED)
    .map((k) => k.slice(CLUSTER_TAG_PREFIX.length));
  const serviceName = str(SERVICE_NAME_TAG);
  const serviceUid = str(SERVICE_UID_TAG);
  const address = str(RESOURCE_TAG);
  return {
    clusters,
    ...(serviceName === undefined ? {} : { serviceName }),
    ...(serviceUid === undefined ? {} : { serviceUid }),
    ...(address === undefined ? {} : { address }),
  };
}

export const isDescriptionOwnedBy = (
  description: string | null | undefined,
  clusterName: string,
): boolean => parseDescription(description)?.clusters.includes(clusterName) ?? false;
