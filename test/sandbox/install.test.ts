import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestEnv } from './support.js';
import { table, testEnv } from './support.js';

/** lbctl's install manifests (infra/deploy and its overlays) against the sandbox, with kubectl. */

const DEPLOY = join(process.cwd(), 'infra/deploy');
const OVERLAYS = join(DEPLOY, 'overlays');
const overlays = existsSync(OVERLAYS) ? readdirSync(OVERLAYS).map((d) => join(OVERLAYS, d)) : [];

let env: TestEnv;
beforeEach(async () => {
  env = await testEnv();
});
afterEach(async () => {
  await env.close();
});

describe('kubectl apply -k of the install manifests', () => {
  it.each([DEPLOY, ...overlays])('applies %s, then again with nothing changed', async (dir) => {
    const first = await env.kubectl(['apply', '-k', dir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    for (const kind of [
      'namespace/lbctl-system',
      'serviceaccount/lbctl',
      'role.rbac.authorization.k8s.io/lbctl-leader-election',
      'clusterrole.rbac.authorization.k8s.io/lbctl',
      'rolebinding.rbac.authorization.k8s.io/lbctl-leader-election',
      'clusterrolebinding.rbac.authorization.k8s.io/lbctl',
      'deployment.apps/lbctl',
      'poddisruptionbudget.policy/lbctl',
    ]) {
      expect(lines).toContain(`${kind} created`);
    }
    const rv = env.sandbox.store.resourceVersion;
    const again = await env.kubectl(['apply', '-k', dir]);
    expect(again.code).toBe(0);
    // kubectl sends the PDB's selector again on every apply (docs/sandbox.md, "does not match
    // yet"); the server sees no change either way: no new resourceVersion anywhere.
    for (const line of again.stdout
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('poddisruptionbudget')))
      expect(line).toMatch(/ unchanged$/);
    expect(env.sandbox.store.resourceVersion).toBe(rv);
    const diff = await env.kubectl(['diff', '-k', dir]);
    expect(diff.stdout).toBe('');
    expect(diff.code).toBe(0);
  });

  it('prints the API server columns and keeps the defaults and the generation', async () => {
    expect((await env.kubectl(['apply', '-k', DEPLOY])).code).toBe(0);
    const deploy = table((await env.kubectl(['get', 'deploy', '-n', 'lbctl-system'])).stdout);
    expect(deploy[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(deploy[1]?.slice(0, 4)).toEqual(['lbctl', '0/2', '0', '0']);
    const pdb = table((await env.kubectl(['get', 'pdb', '-n', 'lbctl-system'])).stdout);
    expect(pdb[0]).toEqual([
      'NAME',
      'MIN AVAILABLE',
      'MAX UNAVAILABLE',
      'ALLOWED DISRUPTIONS',
      'AGE',
    ]);
    const crb = table(
      (await env.kubectl(['get', 'clusterrolebinding', 'lbctl', '-o', 'wide'])).stdout,
    );
    expect(crb[1]?.[1]).toBe('ClusterRole/lbctl');
    expect(crb[1]?.at(-1)).toBe('lbctl-system/lbctl');
    const stored = env.sandbox.store.get('deployments.apps', 'lbctl', 'lbctl-system');
    expect(stored?.metadata['generation']).toBe(1);
    expect(stored?.['spec']).toMatchObject({
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    const sa = await env.kubectl(['get', 'sa', 'lbctl', '-n', 'lbctl-system', '-o', 'name']);
    expect(sa.stdout.trim()).toBe('serviceaccount/lbctl');
  });

  it('refuses what kube-apiserver refuses in these kinds', async () => {
    await env.kubectl(['apply', '-k', DEPLOY]);
    const roleRef = await env.kubectl([
      'patch',
      'clusterrolebinding',
      'lbctl',
      '--type=merge',
      '-p',
      '{"roleRef":{"name":"admin"}}',
    ]);
    expect(roleRef.code).not.toBe(0);
    expect(roleRef.stderr).toContain(
      'The ClusterRoleBinding "lbctl" is invalid: roleRef: Invalid value: ',
    );
    expect(roleRef.stderr).toContain('cannot change roleRef');
    const selector = await env.kubectl([
      'patch',
      'deploy',
      'lbctl',
      '-n',
      'lbctl-system',
      '--type=merge',
      '-p',
      '{"spec":{"selector":{"matchLabels":{"x":"y"}}}}',
    ]);
    expect(selector.stderr).toContain('spec.selector: Invalid value: ');
    expect(selector.stderr).toContain('field is immutable');
    expect(selector.stderr).toContain('`selector` does not match template `labels`');
    const rule = await env.kubectl(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'r', namespace: 'default' },
        rules: [{ resources: ['services'] }],
      }),
    );
    expect(rule.stderr).toContain(
      'The Role "r" is invalid: \n* rules[0].verbs: Required value: verbs must contain at least one value\n* rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    );
  });
});

describe('kubectl create -f of a v1 List (client-side validation through /openapi/v2)', () => {
  it('creates every item, and kubectl refuses an unknown field in an item', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [1, 2].map((i) => ({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: `node-${i}` },
        spec: { providerID: `local://node-${i}` },
      })),
    };
    const created = await env.kubectl(['create', '-f', '-'], JSON.stringify(list));
    expect(created.stderr).toBe('');
    expect(created.stdout.trim().split('\n')).toEqual([
      'node/node-1 created',
      'node/node-2 created',
    ]);
    const bad = {
      ...list,
      items: [{ ...list.items[0], metadata: { name: 'node-3' }, spec: { bogus: 1 } }],
    };
    const refused = await env.kubectl(['create', '-f', '-'], JSON.stringify(bad));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('unknown field "bogus"');
  });
});
