import type { FieldProblem } from '../../core/errors.js';
import type { JsonObject, KObject } from '../json.js';
import { arr, isObject, jsonEqual, obj, str } from '../json.js';
import { invalidEach, qualifiedNameErrors } from './rules.js';

/**
 * The Service rules of kube-apiserver that lbctl's layers module does not apply, because they
 * matter only to a server: type-dependent fields, update-time immutability and the defaults
 * that depend on the stored object. They run before the layers module's admission.
 */

const LB_ONLY = "may only be used when `type` is 'LoadBalancer'";

const specOf = (o: KObject): JsonObject => {
  if (!isObject(o['spec'])) o['spec'] = {};
  return o['spec'] as JsonObject;
};

/** ExternalPolicyForService: NodePort, LoadBalancer, or a ClusterIP Service with externalIPs. */
const externallyAccessible = (spec: JsonObject): boolean => {
  const type = str(spec['type']) ?? 'ClusterIP';
  return (
    type === 'NodePort' ||
    type === 'LoadBalancer' ||
    (type === 'ClusterIP' && arr(spec['externalIPs']).length > 0)
  );
};

/** SetDefaults_Service parts the layers module leaves out. */
export function defaultServiceSpec(svc: KObject): void {
  const spec = specOf(svc);
  if (spec['sessionAffinity'] === 'ClientIP') {
    const config = obj(spec['sessionAffinityConfig']) ?? {};
    const clientIP = obj(config['clientIP']) ?? {};
    // The API server's DefaultClientIPServiceAffinitySeconds: three hours.
    clientIP['timeoutSeconds'] ??= 10800;
    config['clientIP'] = clientIP;
    spec['sessionAffinityConfig'] = config;
  }
  if (externallyAccessible(spec) && (spec['externalTrafficPolicy'] ?? '') === '')
    spec['externalTrafficPolicy'] = 'Cluster';
}

/**
 * dropTypeDependentFields (the Service REST storage) for what the layers module does not
 * drop: on a type change, `loadBalancerClass` (leaving LoadBalancer) and
 * `externalTrafficPolicy` (no longer externally accessible) are cleared when the client left
 * them as they were; a value the client changed stays and is then refused by validation.
 */
export function dropTypeDependentFields(next: KObject, prev: KObject): void {
  const n = specOf(next);
  const p = obj(prev['spec']) ?? {};
  if ((n['type'] ?? 'ClusterIP') === (p['type'] ?? 'ClusterIP')) return;
  if (p['type'] === 'LoadBalancer' && n['type'] !== 'LoadBalancer') {
    if (jsonEqual(n['loadBalancerClass'], p['loadBalancerClass'])) delete n['loadBalancerClass'];
  }
  if (externallyAccessible(p) && !externallyAccessible(n)) {
    if (jsonEqual(n['externalTrafficPolicy'], p['externalTrafficPolicy']))
      delete n['externalTrafficPolicy'];
  }
}

/** ValidateService's type-dependent checks (create and update). */
export function serviceSpecProblems(svc: KObject): FieldProblem[] {
  const spec = specOf(svc);
  const problems: FieldProblem[] = [];
  const isLB = spec['type'] === 'LoadBalancer';
  const etp = str(spec['externalTrafficPolicy']) ?? '';
  if (!externallyAccessible(spec) && etp !== '' && spec['type'] !== 'ExternalName') {
    problems.push({
      type: 'Invalid',
      field: 'spec.externalTrafficPolicy',
      value: etp,
      detail: 'may only be set for externally-accessible services',
    });
  }
  if (!isLB && arr(spec['loadBalancerSourceRanges']).length > 0) {
    problems.push({ type: 'Forbidden', field: 'spec.loadBalancerSourceRanges', detail: LB_ONLY });
  }
  const lbClass = str(spec['loadBalancerClass']);
  if (lbClass !== undefined) {
    if (!isLB)
      problems.push({ type: 'Forbidden', field: 'spec.loadBalancerClass', detail: LB_ONLY });
    else
      problems.push(
        ...invalidEach('spec.loadBalancerClass', lbClass, qualifiedNameErrors(lbClass)),
      );
  }
  return problems;
}

/** ValidateServiceUpdate's immutability rules, given the stored Service. */
export function serviceUpdateProblems(next: KObject, prev: KObject): FieldProblem[] {
  const n = specOf(next);
  const p = obj(prev['spec']) ?? {};
  const problems: FieldProblem[] = [];
  // validateLoadBalancerClassField: set once on a LoadBalancer, it stays while the type does.
  if (
    p['type'] === 'LoadBalancer' &&
    n['type'] === 'LoadBalancer' &&
    !jsonEqual(n['loadBalancerClass'], p['loadBalancerClass'])
  ) {
    problems.push({
      type: 'Invalid',
      field: 'spec.loadBalancerClass',
      value: n['loadBalancerClass'] ?? null,
      detail: 'may not change once set',
    });
  }
  const needsHC = (s: JsonObject): boolean =>
    s['type'] === 'LoadBalancer' && s['externalTrafficPolicy'] === 'Local';
  const oldHC = p['healthCheckNodePort'];
  const newHC = n['healthCheckNodePort'];
  // A healthCheckNodePort in use cannot be moved while the Service keeps needing one.
  if (needsHC(p) && needsHC(n) && typeof oldHC === 'number' && oldHC !== 0) {
    if (newHC !== undefined && newHC !== 0 && newHC !== oldHC) {
      problems.push({
        type: 'Invalid',
        field: 'spec.healthCheckNodePort',
        value: newHC,
        detail: 'field is immutable',
      });
    }
  }
  return problems;
}
