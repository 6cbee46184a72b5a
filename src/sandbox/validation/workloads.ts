import type { FieldProblem } from '../../core/errors.js';
import type { Json, JsonObject, KObject } from '../json.js';
import { arr, isObject, jsonEqual, obj, str } from '../json.js';
import { supportedValues } from './rules.js';

const specOf = (o: KObject): JsonObject => {
  if (!isObject(o['spec'])) o['spec'] = {};
  return o['spec'] as JsonObject;
};

/** SetDefaults_Deployment (apps/v1) and the pod template's top-level SetDefaults_PodSpec. */
export function defaultDeployment(o: KObject): void {
  const spec = specOf(o);
  spec['replicas'] ??= 1;
  const strategy = obj(spec['strategy']) ?? {};
  strategy['type'] ??= 'RollingUpdate';
  if (strategy['type'] === 'RollingUpdate') {
    const ru = obj(strategy['rollingUpdate']) ?? {};
    ru['maxUnavailable'] ??= '25%';
    ru['maxSurge'] ??= '25%';
    strategy['rollingUpdate'] = ru;
  }
  spec['strategy'] = strategy;
  spec['revisionHistoryLimit'] ??= 10;
  spec['progressDeadlineSeconds'] ??= 600;
  const template = obj(spec['template']);
  const pod = obj(template?.['spec']);
  if (pod !== undefined) {
    pod['restartPolicy'] ??= 'Always';
    pod['dnsPolicy'] ??= 'ClusterFirst';
    pod['schedulerName'] ??= 'default-scheduler';
    pod['terminationGracePeriodSeconds'] ??= 30;
    pod['securityContext'] ??= {};
  }
}

/** A label selector matches labels (matchLabels and the four operators of matchExpressions). */
function selects(selector: JsonObject, labels: JsonObject): boolean {
  const ml = obj(selector['matchLabels']) ?? {};
  if (!Object.entries(ml).every(([k, v]) => labels[k] === v)) return false;
  return arr(selector['matchExpressions']).every((e) => {
    const x = obj(e) ?? {};
    const key = str(x['key']) ?? '';
    const values = arr(x['values']);
    const has = key in labels;
    switch (x['operator']) {
      case 'In':
        return has && values.includes(labels[key] as Json);
      case 'NotIn':
        return !has || !values.includes(labels[key] as Json);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

const emptySelector = (s: JsonObject): boolean =>
  Object.keys(obj(s['matchLabels']) ?? {}).length === 0 && arr(s['matchExpressions']).length === 0;

/** ValidateDeployment (apps/v1): selector, template labels, replicas, strategy; selector immutable. */
export function deploymentProblems(o: KObject, previous?: KObject): FieldProblem[] {
  const spec = specOf(o);
  const problems: FieldProblem[] = [];
  const selector = obj(spec['selector']);
  const labels = obj(obj(obj(spec['template'])?.['metadata'])?.['labels']) ?? {};
  if (selector === undefined)
    problems.push({ type: 'Required', field: 'spec.selector', detail: '' });
  else if (emptySelector(selector))
    problems.push({
      type: 'Invalid',
      field: 'spec.selector',
      value: selector,
      detail: 'empty selector is invalid for deployment',
    });
  else if (!selects(selector, labels))
    problems.push({
      type: 'Invalid',
      field: 'spec.template.metadata.labels',
      value: labels,
      detail: '`selector` does not match template `labels`',
    });
  const replicas = spec['replicas'];
  if (typeof replicas === 'number' && replicas < 0)
    problems.push({
      type: 'Invalid',
      field: 'spec.replicas',
      value: replicas,
      detail: 'must be greater than or equal to 0',
    });
  if (arr(obj(obj(spec['template'])?.['spec'])?.['containers']).length === 0)
    problems.push({ type: 'Required', field: 'spec.template.spec.containers', detail: '' });
  const strategy = obj(spec['strategy']) ?? {};
  const type = str(strategy['type']) ?? '';
  if (!['Recreate', 'RollingUpdate'].includes(type))
    problems.push({
      type: 'Unsupported',
      field: 'spec.strategy.type',
      value: type,
      detail: supportedValues(['Recreate', 'RollingUpdate']),
    });
  if (type === 'Recreate' && strategy['rollingUpdate'] !== undefined)
    problems.push({
      type: 'Forbidden',
      field: 'spec.strategy.rollingUpdate',
      detail: "may not be specified when strategy `type` is 'Recreate'",
    });
  const ru = obj(strategy['rollingUpdate']);
  const zero = (v: Json | undefined): boolean => v === 0 || v === '0%';
  if (ru !== undefined && zero(ru['maxUnavailable']) && zero(ru['maxSurge']))
    problems.push({
      type: 'Invalid',
      field: 'spec.strategy.rollingUpdate.maxUnavailable',
      value: ru['maxUnavailable'],
      detail: 'may not be 0 when `maxSurge` is 0',
    });
  if (previous !== undefined && !jsonEqual(obj(previous['spec'])?.['selector'], spec['selector']))
    problems.push({
      type: 'Invalid',
      field: 'spec.selector',
      value: spec['selector'] ?? null,
      detail: 'field is immutable',
    });
  return problems;
}

/** ValidatePodDisruptionBudgetSpec: at most one of minAvailable/maxUnavailable, non-negative. */
export function pdbProblems(o: KObject): FieldProblem[] {
  const spec = specOf(o);
  const problems: FieldProblem[] = [];
  if (spec['minAvailable'] !== undefined && spec['maxUnavailable'] !== undefined)
    problems.push({
      type: 'Invalid',
      field: 'spec',
      value: spec,
      detail: 'minAvailable and maxUnavailable cannot be both set',
    });
  for (const f of ['minAvailable', 'maxUnavailable']) {
    const v = spec[f];
    if (typeof v === 'number' && v < 0)
      problems.push({
        type: 'Invalid',
        field: `spec.${f}`,
        value: v,
        detail: 'must be greater than or equal to 0',
      });
    if (typeof v === 'string' && !/^[0-9]+%$/.test(v))
      problems.push({
        type: 'Invalid',
        field: `spec.${f}`,
        value: v,
        detail:
          "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      });
  }
  const policy = str(spec['unhealthyPodEvictionPolicy']);
  if (policy !== undefined && !['AlwaysAllow', 'IfHealthyBudget'].includes(policy))
    problems.push({
      type: 'Unsupported',
      field: 'spec.unhealthyPodEvictionPolicy',
      value: policy,
      detail: supportedValues(['AlwaysAllow', 'IfHealthyBudget']),
    });
  return problems;
}
