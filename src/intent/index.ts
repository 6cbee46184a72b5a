/**
 * Intent: Service + Nodes + options → the provider-neutral load balancer the Service needs
 * (src/core/intent.ts). Pure. Bad input is one InvalidInputError listing every problem, each
 * naming the field or annotation, the value and what is allowed.
 */
import { InvalidInputError } from '../core/errors.js';
import type { LoadBalancerIntent } from '../core/intent.js';
import type { IPFamily, Node, Service } from '../core/k8s.js';
import type { ProviderName } from '../core/provider.js';
import { serviceName } from '../layers/defaults.js';
import { NEUTRAL_KEYS, NEUTRAL_PREFIX } from './annotations.js';
import { annotationField, Ctx } from './context.js';
import { buildHealthCheck } from './healthcheck.js';
import { buildRequestedIPs } from './ips.js';
import { buildAffinity, buildListeners } from './listeners.js';
import { eligibleTargets, hasProviderID, isProviderNode } from './nodes.js';
import { buildOptions } from './options.js';
import { buildScheme } from './scheme.js';
import { buildSourceRanges } from './sourceranges.js';
import { buildExtraTags } from './tags.js';

export { wantsLoadBalancer } from './want.js';
export {
  eligibleTargets,
  hasProviderID,
  isBeingDeleted,
  isEligibleNode,
  isExcludedByLabel,
  isMarkedForScaleDown,
  isProviderNode,
  parseGoBool,
} from './nodes.js';
export { ANNOTATIONS, A as ANNOTATION_KEYS } from './annotations.js';
export { HEALTH_CHECK_DEFAULTS, KUBE_PROXY_HEALTHZ_PORT } from './healthcheck.js';
export { DEFAULT_AFFINITY_SECONDS } from './listeners.js';

export interface IntentOptions {
  clusterName: string;
  provider: ProviderName;
}

/**
 * The load balancer a LoadBalancer Service needs, from a Service whose layers are in place
 * (verified or allocated by src/layers) and the cluster's Nodes. Throws InvalidInputError.
 */
export function buildIntent(
  svc: Service,
  nodes: readonly Node[],
  opts: IntentOptions,
): LoadBalancerIntent {
  const ctx = new Ctx(svc, opts.provider);
  const spec = svc.spec;
  if (!svc.metadata.uid)
    ctx.fieldProblem({
      type: 'Required',
      field: 'metadata.uid',
      detail: 'cloud resources are tagged with it',
    });

  if (spec.type !== 'LoadBalancer') {
    ctx.fieldProblem({
      type: 'Unsupported',
      field: 'spec.type',
      value: spec.type ?? 'ClusterIP',
      detail: 'supported values: "LoadBalancer"',
    });
  }
  if (spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None') {
    ctx.fieldProblem({
      type: 'Invalid',
      field: 'spec.clusterIPs[0]',
      value: 'None',
      detail: "may not be set to 'None' for LoadBalancer services",
    });
  }
  refuseUnknownNeutralAnnotations(ctx);
  const listeners = buildListeners(ctx);
  const sessionAffinity = buildAffinity(ctx);
  const sourceRanges = buildSourceRanges(ctx);
  const scheme = buildScheme(ctx);
  const ipFamilies = familiesOf(svc);
  const requestedIPs = buildRequestedIPs(ctx, ipFamilies);
  const healthCheck = buildHealthCheck(ctx);
  const extraTags = buildExtraTags(ctx);
  const options = buildOptions(ctx, scheme);
  if (ctx.problems.length > 0) throw new InvalidInputError(serviceName(svc), ctx.problems);
  const targets = eligibleTargets(nodes, opts.provider);
  if (targets.length === 0) refuseForeignNodes(nodes, opts.provider);
  return {
    service: {
      namespace: svc.metadata.namespace ?? 'default',
      name: svc.metadata.name,
      // Cloud names derive from the lower-case form, the one the API server issues.
      uid: (svc.metadata.uid ?? '').toLowerCase(),
    },
    clusterName: opts.clusterName,
    scheme,
    listeners,
    targets,
    healthCheck,
    sourceRanges,
    sessionAffinity,
    requestedIPs,
    ipFamilies,
    externalTrafficPolicy: spec.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    extraTags,
    options,
  };
}

function refuseUnknownNeutralAnnotations(ctx: Ctx): void {
  for (const [key, value] of Object.entries(ctx.svc.metadata.annotations ?? {})) {
    if (key.startsWith(NEUTRAL_PREFIX) && !NEUTRAL_KEYS.includes(key)) {
      ctx.fieldProblem({
        type: 'Invalid',
        field: annotationField(key),
        value,
        detail: `unknown lbctl annotation; supported: ${NEUTRAL_KEYS.join(', ')}`,
      });
    }
  }
}

/** spec.ipFamilies as the API server set them; else the families of the ClusterIPs; else IPv4. */
function familiesOf(svc: Service): IPFamily[] {
  const given = (svc.spec.ipFamilies ?? []).filter((f) => f === 'IPv4' || f === 'IPv6');
  if (given.length > 0) return given;
  const fromIPs = (svc.spec.clusterIPs ?? [svc.spec.clusterIP ?? '']).map((ip) =>
    ip.includes(':') ? 'IPv6' : ip.includes('.') ? 'IPv4' : undefined,
  );
  const families = fromIPs.filter((f): f is IPFamily => f !== undefined);
  return families.length > 0 ? families : ['IPv4'];
}

/** Nodes of another cloud are never targets; when they are all there is, say so instead of planning an empty target set. */
function refuseForeignNodes(nodes: readonly Node[], provider: ProviderName): void {
  const foreign = nodes.find((n) => hasProviderID(n) && !isProviderNode(n, provider));
  if (foreign === undefined) return;
  throw new InvalidInputError(`Node ${foreign.metadata.name}`, [
    {
      type: 'Invalid',
      field: 'spec.providerID',
      value: foreign.spec?.providerID,
      detail: `is not a node of provider ${provider}; give the nodes of the cloud you plan for`,
    },
  ]);
}
