import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KUBE_API_CALLS, createKubeApi } from '../../src/controller/kube.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  spec?: Record<string, unknown>;
  subjects?: { kind: string; name: string; namespace?: string }[];
  roleRef?: { kind: string; name: string };
}

const rendered = execFileSync('kubectl', ['kustomize', 'infra/deploy'], { encoding: 'utf8' });
const docs = parseAllDocuments(rendered).map((d) => d.toJSON() as Doc);
const one = (kind: string, name?: string): Doc => {
  const found = docs.filter(
    (d) => d.kind === kind && (name === undefined || d.metadata.name === name),
  );
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0] as Doc;
};

/** The rules the code needs, derived from the one table of API calls. */
function rulesFor(scope: 'cluster' | 'namespace'): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const call of Object.values(KUBE_API_CALLS)) {
    if (call.scope !== scope) continue;
    const k = `${call.group}|${call.resource}`;
    byResource.set(k, (byResource.get(k) ?? new Set()).add(call.verb));
  }
  return [...byResource].map(([k, verbs]) => `${k}|${[...verbs].sort().join(',')}`).sort();
}

/** Rules flattened to group|resource|verbs, one line per (group, resource). */
function flatten(rules: Rule[]): string[] {
  const out: string[] = [];
  for (const r of rules) {
    for (const g of r.apiGroups)
      for (const res of r.resources) out.push(`${g}|${res}|${[...r.verbs].sort().join(',')}`);
  }
  return out.sort();
}

describe('infra/deploy (rendered with kubectl kustomize)', () => {
  it('has every object the controller needs, in its namespace', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'Deployment',
        'Namespace',
        'PodDisruptionBudget',
        'Role',
        'RoleBinding',
        'ServiceAccount',
      ].sort(),
    );
    for (const d of docs) {
      if (!['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(d.kind)) {
        expect(d.metadata.namespace, d.kind).toBe('lbctl-system');
      }
    }
  });

  it('the ClusterRole grants exactly the cluster-wide calls of KUBE_API_CALLS', () => {
    expect(flatten(one('ClusterRole').rules ?? [])).toEqual(rulesFor('cluster'));
  });

  it('the Role grants exactly the Lease calls, in lbctl-system only', () => {
    expect(flatten(one('Role').rules ?? [])).toEqual(rulesFor('namespace'));
  });

  it('grants nothing on secrets and no wildcards', () => {
    for (const d of docs.filter((x) => x.rules !== undefined)) {
      for (const r of d.rules ?? []) {
        expect(r.resources).not.toContain('secrets');
        expect([...r.resources, ...r.verbs, ...r.apiGroups]).not.toContain('*');
      }
    }
  });

  it('binds both roles to the lbctl ServiceAccount', () => {
    for (const [binding, role] of [
      ['ClusterRoleBinding', 'ClusterRole'],
      ['RoleBinding', 'Role'],
    ] as const) {
      const b = one(binding);
      expect(b.roleRef).toMatchObject({ kind: role, name: one(role).metadata.name });
      expect(b.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'lbctl', namespace: 'lbctl-system' },
      ]);
    }
  });

  it('the Deployment runs 2 replicas with leader election, probes, requests, non-root and read-only', () => {
    const spec = one('Deployment').spec as {
      replicas: number;
      template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
    };
    expect(spec.replicas).toBe(2);
    const pod = spec.template.spec;
    expect(pod['serviceAccountName']).toBe('lbctl');
    expect(pod['securityContext']).toMatchObject({ runAsNonRoot: true });
    const c = pod.containers[0] as Record<string, unknown> & { args: string[] };
    expect(c.args[0]).toBe('run');
    expect(c.args).not.toContain('--no-leader-elect');
    expect(c['securityContext']).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c['livenessProbe']).toMatchObject({ httpGet: { path: '/healthz' } });
    expect(c['readinessProbe']).toMatchObject({ httpGet: { path: '/readyz' } });
    expect(c['resources']).toMatchObject({
      requests: { cpu: expect.any(String), memory: expect.any(String) },
    });
  });

  it('a PodDisruptionBudget keeps one replica through drains', () => {
    expect(one('PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1 });
  });
});

describe('the API table matches the code', () => {
  it('createKubeApi has one method per non-informer call, and nothing else', () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'http://127.0.0.1:9' }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const informerCalls = Object.entries(KUBE_API_CALLS)
      .filter(([, c]) => c.verb === 'list' || c.verb === 'watch')
      .map(([k]) => k);
    expect(Object.keys(createKubeApi(kc)).sort()).toEqual(
      Object.keys(KUBE_API_CALLS)
        .filter((k) => !informerCalls.includes(k))
        .sort(),
    );
    // The informers list and watch exactly services and nodes.
    expect(informerCalls.sort()).toEqual([
      'listNodes',
      'listServices',
      'watchNodes',
      'watchServices',
    ]);
  });
});

describe('infra/Containerfile', () => {
  const text = readFileSync('infra/Containerfile', 'utf8');
  it('is multi-stage and runs as a non-root user', () => {
    expect(text.match(/^FROM /gm)).toHaveLength(2);
    expect(text).toMatch(/^USER 65532:65532$/m);
    expect(text).toMatch(/npm ci/);
  });
});
