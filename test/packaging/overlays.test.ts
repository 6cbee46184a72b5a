// The per-cloud kustomize overlays, rendered by the real `kubectl kustomize`: each wires its
// cloud's workload identity and sets the provider's settings, on top of the unchanged base.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Obj {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: {
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec?: {
        nodeSelector?: Record<string, string>;
        containers?: { name: string; env?: { name: string; value?: string }[] }[];
      };
    };
  };
}

function render(dir: string): Obj[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { cwd: root, encoding: 'utf8' });
  return parseAllDocuments(text).map((d) => d.toJS() as Obj);
}

const env = (objs: Obj[]) =>
  Object.fromEntries(
    (
      objs.find((o) => o.kind === 'Deployment')?.spec?.template?.spec?.containers?.[0]?.env ?? []
    ).map((e) => [e.name, e.value]),
  );
const saAnnotations = (objs: Obj[]) =>
  objs.find((o) => o.kind === 'ServiceAccount')?.metadata.annotations ?? {};

const cases = {
  aws: {
    annotations: {
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::ACCOUNT_ID:role/lbctl-CLUSTER_NAME',
    },
    env: { LBCTL_PROVIDER: 'aws', LBCTL_AWS_REGION: 'REGION' },
  },
  gcp: {
    annotations: { 'iam.gke.io/gcp-service-account': 'lbctl@PROJECT_ID.iam.gserviceaccount.com' },
    env: { LBCTL_PROVIDER: 'gcp', LBCTL_GCP_PROJECT: 'PROJECT_ID' },
  },
  azure: {
    annotations: { 'azure.workload.identity/client-id': 'CLIENT_ID' },
    env: { LBCTL_PROVIDER: 'azure', LBCTL_AZURE_SUBSCRIPTION_ID: 'SUBSCRIPTION_ID' },
  },
};

describe('infra/deploy/overlays (kubectl kustomize)', () => {
  const base = render('infra/deploy');

  it.each(Object.keys(cases) as (keyof typeof cases)[])(
    '%s: identity and settings on the base',
    (cloud) => {
      const objs = render(`infra/deploy/overlays/${cloud}`);
      expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
        base.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
      );
      expect(saAnnotations(objs)).toMatchObject(cases[cloud].annotations);
      const vars = env(objs);
      expect(vars).toMatchObject({ ...cases[cloud].env, LBCTL_CLUSTER_NAME: 'CLUSTER_NAME' });
      // The base's own variables are kept (merged by name, not replaced).
      expect(Object.keys(vars)).toEqual(expect.arrayContaining(Object.keys(env(base))));
    },
  );

  it('gcp pods go to nodes with the GKE metadata server; azure pods opt in to workload identity', () => {
    const gcp = render('infra/deploy/overlays/gcp').find((o) => o.kind === 'Deployment');
    expect(gcp?.spec?.template?.spec?.nodeSelector).toEqual({
      'iam.gke.io/gke-metadata-server-enabled': 'true',
    });
    const azure = render('infra/deploy/overlays/azure').find((o) => o.kind === 'Deployment');
    expect(azure?.spec?.template?.metadata?.labels?.['azure.workload.identity/use']).toBe('true');
  });

  it.each(Object.keys(cases))('%s: the documented sed line replaces every placeholder', (cloud) => {
    const dir = `${root}infra/deploy/overlays/${cloud}`;
    const kustomization = readFileSync(`${dir}/kustomization.yaml`, 'utf8');
    const sed = /sed -i '([^']+)'/.exec(kustomization)?.[1] ?? '';
    const placeholders = new Set([...sed.matchAll(/s\/([A-Z_]+)\//g)].map((m) => m[1]));
    const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    const left = new Set(
      [
        ...text.matchAll(
          /\b(ACCOUNT_ID|PROJECT_ID|CLIENT_ID|SUBSCRIPTION_ID|RESOURCE_GROUP|CLUSTER_NAME|REGION)\b/g,
        ),
      ].map((m) => m[1]),
    );
    for (const p of left) expect(placeholders).toContain(p);
  });
});
