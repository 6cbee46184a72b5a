import type { ProviderName } from '../core/provider.js';

/**
 * Every annotation lbctl reads, in one table: the parsers look keys up here to know whether
 * an annotation applies to the selected provider, unknown `lbctl.io/` keys are refused with
 * this list, and docs/annotations.md documents the same rows.
 * A cloud's in-tree annotations apply only when that cloud's provider is selected, so one
 * Service can carry the annotations of several clouds; the neutral `lbctl.io/` ones always apply.
 */
export interface AnnotationSpec {
  key: string;
  providers: 'all' | readonly ProviderName[];
}

export const NEUTRAL_PREFIX = 'lbctl.io/';
const AWS = 'service.beta.kubernetes.io/aws-load-balancer-';
const AZURE = 'service.beta.kubernetes.io/azure-';

export const A = {
  scheme: 'lbctl.io/scheme',
  hcInterval: 'lbctl.io/healthcheck-interval',
  hcTimeout: 'lbctl.io/healthcheck-timeout',
  hcHealthy: 'lbctl.io/healthcheck-healthy-threshold',
  hcUnhealthy: 'lbctl.io/healthcheck-unhealthy-threshold',
  hcProtocol: 'lbctl.io/healthcheck-protocol',
  hcPort: 'lbctl.io/healthcheck-port',
  hcPath: 'lbctl.io/healthcheck-path',
  healthCheck: 'lbctl.io/health-check',
  tags: 'lbctl.io/tags',
  ips: 'lbctl.io/load-balancer-ips',
  /** Read by the replacement guardrail (src/plan/guard.ts), not by the intent. */
  allowReplacement: 'lbctl.io/allow-replacement',
  sourceRanges: 'service.beta.kubernetes.io/load-balancer-source-ranges',
  awsInternal: `${AWS}internal`,
  awsScheme: `${AWS}scheme`,
  awsHcInterval: `${AWS}healthcheck-interval`,
  awsHcTimeout: `${AWS}healthcheck-timeout`,
  awsHcHealthy: `${AWS}healthcheck-healthy-threshold`,
  awsHcUnhealthy: `${AWS}healthcheck-unhealthy-threshold`,
  awsHcProtocol: `${AWS}healthcheck-protocol`,
  awsHcPort: `${AWS}healthcheck-port`,
  awsHcPath: `${AWS}healthcheck-path`,
  awsProxyProtocol: `${AWS}proxy-protocol`,
  awsTags: `${AWS}additional-resource-tags`,
  awsSubnets: `${AWS}subnets`,
  awsEips: `${AWS}eip-allocations`,
  awsCrossZone: `${AWS}cross-zone-load-balancing-enabled`,
  awsTgAttributes: `${AWS}target-group-attributes`,
  gkeType: 'networking.gke.io/load-balancer-type',
  gceLegacyType: 'cloud.google.com/load-balancer-type',
  gcpNetworkTier: 'cloud.google.com/network-tier',
  azureInternal: `${AZURE}load-balancer-internal`,
  azureInternalSubnet: `${AZURE}load-balancer-internal-subnet`,
  azurePipName: `${AZURE}pip-name`,
  azureResourceGroup: `${AZURE}load-balancer-resource-group`,
  azureIPv4: `${AZURE}load-balancer-ipv4`,
  azureIPv6: `${AZURE}load-balancer-ipv6`,
  azureProbeInterval: `${AZURE}load-balancer-health-probe-interval`,
  azureProbeCount: `${AZURE}load-balancer-health-probe-num-of-probe`,
  azureProbePath: `${AZURE}load-balancer-health-probe-request-path`,
} as const;

export type AnnotationKey = (typeof A)[keyof typeof A];

const providerOf = (key: string): AnnotationSpec['providers'] => {
  if (key.startsWith(NEUTRAL_PREFIX) || key === A.sourceRanges) return 'all';
  if (key.startsWith(AWS)) return ['aws'];
  if (key.startsWith(AZURE)) return ['azure'];
  return ['gcp'];
};

export const ANNOTATIONS: readonly AnnotationSpec[] = Object.values(A).map((key) => ({
  key,
  providers: providerOf(key),
}));

export const NEUTRAL_KEYS: readonly string[] = ANNOTATIONS.filter((a) =>
  a.key.startsWith(NEUTRAL_PREFIX),
)
  .map((a) => a.key)
  .sort();

export const appliesTo = (key: string, provider: ProviderName): boolean => {
  const spec = ANNOTATIONS.find((a) => a.key === key);
  return spec !== undefined && (spec.providers === 'all' || spec.providers.includes(provider));
};
