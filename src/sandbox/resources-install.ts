import { metaFields } from './fields.js';
import * as K from './kinds-install.js';
import type { ResourceDef } from './resources.js';

type Def = Partial<ResourceDef> &
  Pick<ResourceDef, 'group' | 'resource' | 'kind' | 'schema' | 'namespaced'>;

const def = (d: Def): ResourceDef => ({
  version: 'v1',
  singular: d.kind.toLowerCase(),
  shortNames: [],
  categories: [],
  hasStatus: false,
  storage: d.group === '' ? d.resource : `${d.resource}.${d.group}`,
  nameRule: 'dns1123-subdomain',
  fields: metaFields(d.namespaced),
  ...d,
});

const RBAC = 'rbac.authorization.k8s.io';

/**
 * The kinds of lbctl's install manifests, so that `kubectl apply -k infra/deploy` works and
 * RBAC can be enforced. createOnUpdate follows each kind's strategy in kube-apiserver
 * (AllowCreateOnUpdate: true for ServiceAccounts and RBAC, false for Deployments and PDBs).
 */
export const INSTALL_RESOURCES: readonly ResourceDef[] = [
  def({
    group: '',
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    schema: K.serviceAccount,
    createOnUpdate: true,
  }),
  def({
    group: RBAC,
    resource: 'roles',
    kind: 'Role',
    namespaced: true,
    schema: K.role,
    nameRule: 'path-segment',
    createOnUpdate: true,
  }),
  def({
    group: RBAC,
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
    schema: K.clusterRole,
    nameRule: 'path-segment',
    createOnUpdate: true,
  }),
  def({
    group: RBAC,
    resource: 'rolebindings',
    kind: 'RoleBinding',
    namespaced: true,
    schema: K.roleBinding,
    nameRule: 'path-segment',
    createOnUpdate: true,
  }),
  def({
    group: RBAC,
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    schema: K.roleBinding,
    nameRule: 'path-segment',
    createOnUpdate: true,
  }),
  def({
    group: 'apps',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    hasStatus: true,
    generation: true,
    schema: K.deployment,
  }),
  def({
    group: 'policy',
    resource: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    shortNames: ['pdb'],
    hasStatus: true,
    generation: true,
    schema: K.podDisruptionBudget,
  }),
];
