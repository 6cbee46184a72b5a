import type { Json, KObject } from './json.js';
import { arr, at, isObject, obj, str } from './json.js';
import type { Column } from './columns.js';
import { ageCol, col, formatLabels, nameCol, orNone } from './columns.js';

/** Columns of the API server's printers for the install-manifest kinds. */

const num = (o: KObject, path: string): number => {
  const v = at(o, path);
  return typeof v === 'number' ? v : 0;
};

const subjects = (kind: string) => (o: KObject) =>
  orNone(
    arr(o['subjects'])
      .filter((s) => obj(s)?.['kind'] === kind)
      .map((s) => {
        const x = obj(s) ?? {};
        const name = str(x['name']) ?? '';
        return kind === 'ServiceAccount' ? `${str(x['namespace']) ?? ''}/${name}` : name;
      })
      .join(', '),
  );

const createdAt: Column = col('Created At', (o) => String(o.metadata['creationTimestamp'] ?? ''));

const bindingColumns: Column[] = [
  nameCol,
  col('Role', (o) => `${str(at(o, 'roleRef.kind')) ?? ''}/${str(at(o, 'roleRef.name')) ?? ''}`),
  ageCol,
  col('Users', subjects('User'), 1),
  col('Groups', subjects('Group'), 1),
  col('ServiceAccounts', subjects('ServiceAccount'), 1),
];

const containers = (o: KObject): Json[] =>
  arr(at(o, 'spec.template.spec.containers')).filter(isObject);

const intOrStr = (v: Json | undefined): string =>
  v === undefined || v === null ? 'N/A' : String(v);

function selectorText(o: KObject): string {
  const sel = obj(at(o, 'spec.selector')) ?? {};
  const labels = formatLabels(sel['matchLabels']);
  return arr(sel['matchExpressions']).length > 0 ? `${labels},<expressions>` : labels;
}

export const INSTALL_TABLES: Record<string, Column[]> = {
  serviceaccounts: [nameCol, col('Secrets', (o) => arr(o['secrets']).length), ageCol],
  'roles.rbac.authorization.k8s.io': [nameCol, createdAt],
  'clusterroles.rbac.authorization.k8s.io': [nameCol, createdAt],
  'rolebindings.rbac.authorization.k8s.io': bindingColumns,
  'clusterrolebindings.rbac.authorization.k8s.io': bindingColumns,
  // Pods are not run: status stays empty, so READY reads 0/N as on a cluster with no nodes.
  'deployments.apps': [
    nameCol,
    col('Ready', (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}`),
    col('Up-to-date', (o) => num(o, 'status.updatedReplicas')),
    col('Available', (o) => num(o, 'status.availableReplicas')),
    ageCol,
    col(
      'Containers',
      (o) =>
        containers(o)
          .map((c) => str(obj(c)?.['name']) ?? '')
          .join(','),
      1,
    ),
    col(
      'Images',
      (o) =>
        containers(o)
          .map((c) => str(obj(c)?.['image']) ?? '')
          .join(','),
      1,
    ),
    col('Selector', selectorText, 1),
  ],
  'poddisruptionbudgets.policy': [
    nameCol,
    col('Min Available', (o) => intOrStr(at(o, 'spec.minAvailable'))),
    col('Max Unavailable', (o) => intOrStr(at(o, 'spec.maxUnavailable'))),
    col('Allowed Disruptions', (o) => num(o, 'status.disruptionsAllowed')),
    ageCol,
  ],
};
