import type { Json, JsonObject, KObject } from '../json.js';
import { arr, isObject, obj, str } from '../json.js';
import type { Store } from '../store.js';
import type { UserInfo } from './users.js';
import { parseServiceAccount } from './users.js';

/** What a request asks to do, as kube-apiserver's authorizer attributes name it. */
export interface Attributes {
  verb: string;
  group: string;
  resource: string;
  subresource: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
}

export interface Decision {
  allowed: boolean;
  /** Appended to the 403 message, as the RBAC authorizer's reason is (missing roles). */
  reason: string;
}

const matches = (list: Json[], value: string): boolean =>
  list.some((v) => v === '*' || v === value);

/** One PolicyRule against the attributes (RuleAllows): verbs, groups, resources, names. */
function ruleAllows(rule: JsonObject, a: Attributes): boolean {
  if (!matches(arr(rule['verbs']), a.verb)) return false;
  if (!matches(arr(rule['apiGroups']), a.group)) return false;
  const resources = arr(rule['resources']);
  const combined = a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`;
  const resourceOk = resources.some(
    (r) =>
      r === '*' ||
      r === combined ||
      (a.subresource !== undefined && (r === `*/${a.subresource}` || r === `${a.resource}/*`)),
  );
  if (!resourceOk) return false;
  const names = arr(rule['resourceNames']);
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

function subjectMatches(subject: Json, user: UserInfo, bindingNs: string | undefined): boolean {
  const s = obj(subject) ?? {};
  const name = str(s['name']);
  switch (s['kind']) {
    case 'User':
      return name === user.username;
    case 'Group':
      return name !== undefined && user.groups.includes(name);
    case 'ServiceAccount': {
      const sa = parseServiceAccount(user.username);
      const ns = str(s['namespace']) || bindingNs;
      return sa !== undefined && sa.name === name && sa.namespace === ns;
    }
    default:
      return false;
  }
}

/**
 * kube-apiserver's RBAC authorizer over the Roles, ClusterRoles and bindings in the store:
 * ClusterRoleBindings grant everywhere, RoleBindings in their namespace only; system:masters
 * is always allowed. Nothing is allowed that no rule grants (no deny rules in RBAC).
 */
export function authorize(store: Store, user: UserInfo, a: Attributes): Decision {
  if (user.groups.includes('system:masters')) return { allowed: true, reason: '' };
  const missing: string[] = [];
  const roleRules = (ref: JsonObject, ns: string | undefined): Json[] | undefined => {
    const name = str(ref['name']) ?? '';
    const role: KObject | undefined =
      ref['kind'] === 'Role'
        ? store.get('roles.rbac.authorization.k8s.io', `${ns ?? ''}/${name}`)
        : store.get('clusterroles.rbac.authorization.k8s.io', name);
    if (role === undefined) {
      missing.push(
        ref['kind'] === 'Role'
          ? `role.rbac.authorization.k8s.io "${name}" not found`
          : `clusterrole.rbac.authorization.k8s.io "${name}" not found`,
      );
    }
    return role === undefined ? undefined : arr(role['rules']);
  };
  const grants = (binding: KObject, ns: string | undefined): boolean => {
    if (!arr(binding['subjects']).some((s) => subjectMatches(s, user, ns))) return false;
    const rules = roleRules(obj(binding['roleRef']) ?? {}, ns) ?? [];
    return rules.some((r) => isObject(r) && ruleAllows(r, a));
  };
  for (const b of store.list('clusterrolebindings.rbac.authorization.k8s.io'))
    if (grants(b, undefined)) return { allowed: true, reason: '' };
  if (a.namespace !== undefined) {
    for (const b of store.list('rolebindings.rbac.authorization.k8s.io')) {
      if (b.metadata['namespace'] === a.namespace && grants(b, a.namespace))
        return { allowed: true, reason: '' };
    }
  }
  return { allowed: false, reason: missing.length > 0 ? `RBAC: ${missing.join(', ')}` : '' };
}

/** The 403 message of kube-apiserver's forbiddenMessage for resource requests. */
export function forbiddenMessage(user: UserInfo, a: Attributes, reason: string): string {
  const resource = a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`;
  const where =
    a.namespace === undefined ? 'at the cluster scope' : `in the namespace "${a.namespace}"`;
  const qualified = a.group === '' ? a.resource : `${a.resource}.${a.group}`;
  const subject = a.name === undefined ? qualified : `${qualified} "${a.name}"`;
  const why = `User "${user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${where}`;
  return `${subject} is forbidden: ${why}${reason === '' ? '' : `: ${reason}`}`;
}
