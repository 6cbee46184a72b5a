import type { FieldProblem } from '../../core/errors.js';
import type { JsonObject, KObject } from '../json.js';
import { arr, isObject, jsonEqual, obj, str } from '../json.js';
import { supportedValues } from './rules.js';

const RBAC = 'rbac.authorization.k8s.io';
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

/** SetDefaults_RoleBinding / SetDefaults_Subject of rbac/v1: the API groups left out. */
export function defaultBinding(o: KObject): void {
  const ref = obj(o['roleRef']);
  if (ref !== undefined && (str(ref['apiGroup']) ?? '') === '') ref['apiGroup'] = RBAC;
  for (const s of arr(o['subjects'])) {
    if (!isObject(s) || (str(s['apiGroup']) ?? '') !== '') continue;
    if (s['kind'] === 'User' || s['kind'] === 'Group') s['apiGroup'] = RBAC;
  }
}

/** ValidatePolicyRule for each rule of a Role (namespaced) or ClusterRole. */
export function rulesProblems(o: KObject, namespaced: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  arr(o['rules']).forEach((r, i) => {
    const rule: JsonObject = isObject(r) ? r : {};
    const at = `rules[${i}]`;
    const urls = arr(rule['nonResourceURLs']);
    if (arr(rule['verbs']).length === 0)
      problems.push({
        type: 'Required',
        field: `${at}.verbs`,
        detail: 'verbs must contain at least one value',
      });
    if (urls.length > 0) {
      if (namespaced) {
        problems.push({
          type: 'Invalid',
          field: `${at}.nonResourceURLs`,
          value: urls,
          detail: 'namespaced rules cannot apply to non-resource URLs',
        });
      }
      if (arr(rule['apiGroups']).length > 0 || arr(rule['resources']).length > 0) {
        problems.push({
          type: 'Invalid',
          field: `${at}.nonResourceURLs`,
          value: urls,
          detail: 'rules cannot apply to both regular resources and non-resource URLs',
        });
      }
      return;
    }
    if (arr(rule['apiGroups']).length === 0)
      problems.push({
        type: 'Required',
        field: `${at}.apiGroups`,
        detail: 'resource rules must supply at least one api group',
      });
    if (arr(rule['resources']).length === 0)
      problems.push({
        type: 'Required',
        field: `${at}.resources`,
        detail: 'resource rules must supply at least one resource',
      });
  });
  return problems;
}

/** ValidateRoleBinding / ValidateClusterRoleBinding, and roleRef's immutability on update. */
export function bindingProblems(
  o: KObject,
  namespaced: boolean,
  previous?: KObject,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const ref = obj(o['roleRef']) ?? {};
  const group = str(ref['apiGroup']) ?? '';
  if (group !== RBAC)
    problems.push({
      type: 'Unsupported',
      field: 'roleRef.apiGroup',
      value: group,
      detail: supportedValues([RBAC]),
    });
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  const kind = str(ref['kind']) ?? '';
  if (!kinds.includes(kind))
    problems.push({
      type: 'Unsupported',
      field: 'roleRef.kind',
      value: kind,
      detail: supportedValues(kinds),
    });
  if ((str(ref['name']) ?? '') === '')
    problems.push({ type: 'Required', field: 'roleRef.name', detail: '' });
  arr(o['subjects']).forEach((s, i) => {
    const subject: JsonObject = isObject(s) ? s : {};
    const at = `subjects[${i}]`;
    const sk = str(subject['kind']) ?? '';
    if ((str(subject['name']) ?? '') === '')
      problems.push({ type: 'Required', field: `${at}.name`, detail: '' });
    if (!SUBJECT_KINDS.includes(sk)) {
      problems.push({
        type: 'Unsupported',
        field: `${at}.kind`,
        value: sk,
        detail: supportedValues(SUBJECT_KINDS),
      });
      return;
    }
    const sg = str(subject['apiGroup']) ?? '';
    const wantGroup = sk === 'ServiceAccount' ? '' : RBAC;
    if (sg !== wantGroup)
      problems.push({
        type: 'Unsupported',
        field: `${at}.apiGroup`,
        value: sg,
        detail: supportedValues([wantGroup]),
      });
    if (sk === 'ServiceAccount' && !namespaced && (str(subject['namespace']) ?? '') === '')
      problems.push({ type: 'Required', field: `${at}.namespace`, detail: '' });
  });
  if (previous !== undefined && !jsonEqual(previous['roleRef'], o['roleRef'])) {
    problems.push({
      type: 'Invalid',
      field: 'roleRef',
      value: o['roleRef'],
      detail: 'cannot change roleRef',
    });
  }
  return problems;
}
