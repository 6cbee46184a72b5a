import type { FieldProblem } from '../../core/errors.js';
import type { Service } from '../../core/k8s.js';
import { parseCIDR, parseIP } from '../../layers/ip.js';
import { validateService as validateLayerFields } from '../../layers/validate.js';
import { validateLabels, validateObjectMeta } from './meta.js';
import { isDNS1035Label, isDNS1123Subdomain, isQualifiedName, isValidPortName } from './names.js';

const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const LB_ONLY = "may only be used when `type` is 'LoadBalancer'";
const supported = (values: readonly string[]): string =>
  `supported values: ${values.map((v) => `"${v}"`).join(', ')}`;

export interface ValidateOptions {
  /** The stored object on an update, for the rules that compare (immutable fields). */
  old?: Service;
}

/**
 * kube-apiserver 1.32's ValidateService (and ValidateServiceUpdate with `old`) for every field
 * lbctl reads or passes on, with its field paths and wording. Runs on a Service defaulted by
 * `defaultService`; returns every problem found (empty: valid). Pure.
 */
export function validateService(svc: Service, opts: ValidateOptions = {}): FieldProblem[] {
  const problems = validateObjectMeta(svc.metadata, { name: isDNS1035Label, namespaced: true });
  problems.push(...validateLayerFields(svc).filter((p) => p.field !== 'metadata.name'));
  const spec = svc.spec;
  const type = spec.type ?? 'ClusterIP';
  const isLB = type === 'LoadBalancer';
  if (type !== 'ExternalName') problems.push(...validateLabels(spec.selector, 'spec.selector'));
  else if (spec.externalName) {
    const name = spec.externalName.replace(/\.$/, '');
    for (const detail of isDNS1123Subdomain(name))
      problems.push({
        type: 'Invalid',
        field: 'spec.externalName',
        value: spec.externalName,
        detail,
      });
  }
  (spec.ports ?? []).forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (typeof p.targetPort === 'string') {
      for (const detail of isValidPortName(p.targetPort))
        problems.push({ type: 'Invalid', field: `${at}.targetPort`, value: p.targetPort, detail });
    }
    if (p.appProtocol !== undefined) {
      for (const detail of isQualifiedName(p.appProtocol))
        problems.push({
          type: 'Invalid',
          field: `${at}.appProtocol`,
          value: p.appProtocol,
          detail,
        });
    }
  });
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const detail = externalIPProblem(ip);
    if (detail !== undefined)
      problems.push({ type: 'Invalid', field: `spec.externalIPs[${i}]`, value: ip, detail });
  });
  const accessible = type === 'NodePort' || isLB || (spec.externalIPs ?? []).length > 0;
  if (!accessible && spec.externalTrafficPolicy !== undefined) {
    problems.push({
      type: 'Invalid',
      field: 'spec.externalTrafficPolicy',
      value: spec.externalTrafficPolicy,
      detail: 'may only be set for externally-accessible services',
    });
  }
  if (type !== 'ExternalName') {
    const itp = spec.internalTrafficPolicy;
    if (itp === undefined)
      problems.push({ type: 'Required', field: 'spec.internalTrafficPolicy', detail: '' });
    else if (itp !== 'Cluster' && itp !== 'Local') {
      problems.push({
        type: 'Unsupported',
        field: 'spec.internalTrafficPolicy',
        value: itp,
        detail: supported(['Cluster', 'Local']),
      });
    }
  }
  if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig !== undefined) {
    problems.push({
      type: 'Forbidden',
      field: 'spec.sessionAffinityConfig',
      detail: 'must not be set when session affinity is None',
    });
  }
  if (spec.loadBalancerClass !== undefined) {
    // The format is checked on LoadBalancers only; elsewhere the field is forbidden outright.
    if (!isLB)
      problems.push({ type: 'Forbidden', field: 'spec.loadBalancerClass', detail: LB_ONLY });
    else {
      for (const detail of isQualifiedName(spec.loadBalancerClass))
        problems.push({
          type: 'Invalid',
          field: 'spec.loadBalancerClass',
          value: spec.loadBalancerClass,
          detail,
        });
    }
  }
  problems.push(...validateSourceRanges(svc, isLB));
  if (opts.old !== undefined) problems.push(...validateImmutable(svc, opts.old));
  return problems;
}

function validateSourceRanges(svc: Service, isLB: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const ranges = svc.spec.loadBalancerSourceRanges ?? [];
  const annotation = svc.metadata.annotations?.[SOURCE_RANGES_ANNOTATION];
  const cidrDetail = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
  if (ranges.length > 0) {
    if (!isLB)
      problems.push({ type: 'Forbidden', field: 'spec.loadBalancerSourceRanges', detail: LB_ONLY });
    ranges.forEach((r, i) => {
      // Space-padding is allowed, a historical accident kept by the API server.
      if (parseCIDR(r.trim()) === undefined)
        problems.push({
          type: 'Invalid',
          field: `spec.loadBalancerSourceRanges[${i}]`,
          value: r,
          detail: cidrDetail,
        });
    });
  } else if (annotation !== undefined) {
    const field = `metadata.annotations[${SOURCE_RANGES_ANNOTATION}]`;
    if (!isLB) problems.push({ type: 'Forbidden', field, detail: LB_ONLY });
    if (annotation.trim() !== '') {
      for (const item of annotation.trim().split(',')) {
        if (parseCIDR(item.trim()) === undefined)
          problems.push({ type: 'Invalid', field, value: item.trim(), detail: cidrDetail });
      }
    }
  }
  return problems;
}

/** ValidateNonSpecialIP, as externalIPs are checked. */
function externalIPProblem(text: string): string | undefined {
  const ip = parseIP(text);
  if (ip === undefined) return 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
  const t = ip.text;
  if (t === '0.0.0.0' || t === '::') return 'may not be unspecified (0.0.0.0, ::)';
  if (t.startsWith('127.') || t === '::1')
    return 'may not be in the loopback range (127.0.0.0/8, ::1/128)';
  if (t.startsWith('169.254.') || /^fe[89ab]/i.test(t))
    return 'may not be in the link-local range (169.254.0.0/16, fe80::/10)';
  if (t.startsWith('224.0.0.') || /^ff02:/i.test(t))
    return 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)';
  return undefined;
}

/** ValidateServiceUpdate: what may not change once set. */
function validateImmutable(svc: Service, old: Service): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const immutable = 'field is immutable';
  if (old.spec.type === 'LoadBalancer' && svc.spec.type === 'LoadBalancer') {
    if (old.spec.loadBalancerClass !== svc.spec.loadBalancerClass) {
      problems.push({
        type: 'Invalid',
        field: 'spec.loadBalancerClass',
        value: svc.spec.loadBalancerClass ?? null,
        detail: `may not change once set`,
      });
    }
  }
  const local = (s: Service) =>
    s.spec.type === 'LoadBalancer' && s.spec.externalTrafficPolicy === 'Local';
  // An omitted port is carried over from `old` (the registry does it before validation).
  const hc = svc.spec.healthCheckNodePort;
  if (local(old) && local(svc) && hc !== undefined && old.spec.healthCheckNodePort !== hc)
    problems.push({ type: 'Forbidden', field: 'spec.healthCheckNodePort', detail: immutable });
  if (old.metadata.uid && svc.metadata.uid && old.metadata.uid !== svc.metadata.uid)
    problems.push({
      type: 'Invalid',
      field: 'metadata.uid',
      value: svc.metadata.uid,
      detail: immutable,
    });
  return problems;
}
