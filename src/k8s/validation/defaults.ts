import type { Service } from '../../core/k8s.js';
import { applyDefaults } from '../../layers/defaults.js';

/** core.DefaultClientIPServiceAffinitySeconds (3 hours). */
const DEFAULT_AFFINITY_SECONDS = 10800;

/**
 * kube-apiserver 1.32's defaults for a Service (SetDefaults_Service and the registry's), in
 * place. Empty strings in Go's non-pointer fields are their zero value, i.e. unset, so they are
 * defaulted like absent ones (`protocol: ""` → TCP, `type: ""` → ClusterIP); `targetPort` 0 or
 * "" becomes `port`; `namespace` empty or absent becomes `default`. Pointer fields
 * (`internalTrafficPolicy`, `loadBalancerClass`, `appProtocol`, `ipFamilyPolicy`) keep an
 * explicit "" for validation to refuse, as the API server does.
 */
export function defaultService(svc: Service): void {
  const meta = svc.metadata;
  if (!meta.namespace) meta.namespace = 'default';
  svc.spec ??= {};
  const spec = svc.spec as Record<string, unknown>;
  for (const key of [
    'type',
    'sessionAffinity',
    'externalTrafficPolicy',
    'clusterIP',
    'externalName',
    'loadBalancerIP',
  ])
    if (spec[key] === '') delete spec[key];
  if (spec['healthCheckNodePort'] === 0) delete spec['healthCheckNodePort'];
  for (const port of svc.spec.ports ?? []) {
    const p = port as unknown as Record<string, unknown>;
    if (p['protocol'] === '') delete p['protocol'];
    if (p['name'] === '') delete p['name'];
    if (p['nodePort'] === 0) delete p['nodePort'];
    if (p['targetPort'] === 0 || p['targetPort'] === '') delete p['targetPort'];
  }
  const s = svc.spec;
  if ((s.externalIPs ?? []).length > 0 && (s.type ?? 'ClusterIP') === 'ClusterIP')
    s.externalTrafficPolicy ??= 'Cluster';
  applyDefaults(svc);
  if (
    s.sessionAffinity === 'ClientIP' &&
    s.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined
  )
    s.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_AFFINITY_SECONDS } };
}
