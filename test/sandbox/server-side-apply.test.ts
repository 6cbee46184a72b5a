import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestEnv } from './support.js';
import { testEnv } from './support.js';

/** Server-side apply field ownership with kubectl: conflicts, --force-conflicts, managedFields. */

let env: TestEnv;
beforeEach(async () => {
  env = await testEnv();
});
afterEach(async () => {
  await env.close();
});

const SVC = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  selector: { app: web }
  ports:
    - port: 80
      targetPort: 8080
`;

interface Managed {
  manager: string;
  operation: string;
  apiVersion: string;
  fieldsV1: Record<string, unknown>;
}

const managed = (): Managed[] =>
  (env.sandbox.store.get('services', 'web', 'default').metadata['managedFields'] ??
    []) as unknown as Managed[];

describe('kubectl apply --server-side', () => {
  it('refuses to take a field another manager changed, and takes it with --force-conflicts', async () => {
    const file = await env.file('svc.yaml', SVC);
    expect((await env.kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    expect(managed().map((m) => [m.manager, m.operation])).toEqual([['kubectl', 'Apply']]);
    expect(managed()[0]?.fieldsV1).toMatchObject({
      'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { 'f:targetPort': {} } } },
    });
    const patched = await env.kubectl([
      'patch',
      'svc',
      'web',
      '--type=strategic',
      '-p',
      '{"spec":{"ports":[{"port":80,"targetPort":9090}]}}',
    ]);
    expect(patched.code).toBe(0);
    expect(managed().map((m) => [m.manager, m.operation])).toEqual([
      ['kubectl', 'Apply'],
      ['kubectl-patch', 'Update'],
    ]);
    const conflict = await env.kubectl(['apply', '--server-side', '-f', file]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .spec.ports[port=80,protocol="TCP"].targetPort',
    );
    const forced = await env.kubectl(['apply', '--server-side', '--force-conflicts', '-f', file]);
    expect(forced.code).toBe(0);
    const svc = env.sandbox.store.get('services', 'web', 'default') as unknown as {
      spec: { ports: { targetPort: number }[] };
    };
    expect(svc.spec.ports[0]?.targetPort).toBe(8080);
    expect(managed().map((m) => m.manager)).toEqual(['kubectl']);
  });

  it('lets two managers share a field they set to the same value', async () => {
    const file = await env.file('svc.yaml', SVC);
    expect((await env.kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    const other = await env.kubectl([
      'apply',
      '--server-side',
      '--field-manager=other',
      '-f',
      file,
    ]);
    expect(other.stderr).toBe('');
    expect(managed().map((m) => m.manager)).toEqual(['kubectl', 'other']);
  });
});

describe('fields a manager stops applying (structured-merge-diff prune)', () => {
  const withLabels = (labels: string): string =>
    SVC.replace('name: web\n', `name: web\n  labels: {${labels}}\n`);
  const labels = (): Record<string, string> | undefined =>
    env.sandbox.store.get('services', 'web', 'default').metadata['labels'] as
      Record<string, string> | undefined;
  const ok = async (args: string[]): Promise<void> => {
    expect((await env.kubectl(args)).stderr).toBe('');
  };

  it('are removed when no other manager owns them, and kept when one does', async () => {
    const file = await env.file('svc.yaml', withLabels('a: v1, b: v2, c: v3'));
    await ok(['apply', '--server-side', '-f', file]);
    // Another manager applies b with the same value: b is shared from now on.
    const other = await env.file('other.yaml', withLabels('b: v2'));
    await ok(['apply', '--server-side', '--field-manager=other', '-f', other]);
    await env.file('svc.yaml', withLabels('a: v1'));
    await ok(['apply', '--server-side', '-f', file]);
    expect(labels()).toEqual({ a: 'v1', b: 'v2' });
  });

  it('after the takeover of a client-side apply, drops what the new configuration leaves out', async () => {
    const csa = await env.file('csa.yaml', withLabels('a: v1, old: v2'));
    await ok(['apply', '-f', csa]);
    const ssa = await env.file('ssa.yaml', withLabels('a: v1'));
    const r = await env.kubectl(['apply', '--server-side', '-f', ssa]);
    expect(r.stderr).toBe('');
    // kubectl's migration gave client-side apply's fields to `kubectl`; its re-sent apply
    // releases `old`, which nobody else owns.
    expect(labels()).toEqual({ a: 'v1' });
  });

  it('leaves an item another manager added to a list, and removes its own', async () => {
    const file = await env.file(
      'svc.yaml',
      SVC.replace('name: web\n', 'name: web\n  finalizers: [example.com/mine]\n'),
    );
    await ok(['apply', '--server-side', '-f', file]);
    await ok([
      'patch',
      'svc',
      'web',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["example.com/mine","example.com/theirs"]}}',
    ]);
    await env.file('svc.yaml', SVC);
    await ok(['apply', '--server-side', '-f', file]);
    expect(env.sandbox.store.get('services', 'web', 'default').metadata['finalizers']).toEqual([
      'example.com/theirs',
    ]);
    await ok(['patch', 'svc', 'web', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  });
});

describe('kubectl apply --server-side over a client-side kubectl apply', () => {
  const CHANGED = SVC.replace('targetPort: 8080', 'targetPort: 9090');
  const annotation = (): string | undefined =>
    (
      env.sandbox.store.get('services', 'web', 'default').metadata['annotations'] as
        Record<string, string> | undefined
    )?.['kubectl.kubernetes.io/last-applied-configuration'];

  it('takes over the fields client-side apply set, as kube-apiserver and kubectl migrate them', async () => {
    expect((await env.kubectl(['apply', '-f', await env.file('svc.yaml', SVC)])).code).toBe(0);
    expect(managed().map((m) => [m.manager, m.operation])).toEqual([
      ['kubectl-client-side-apply', 'Update'],
    ]);
    const changed = await env.file('changed.yaml', CHANGED);
    const ssa = await env.kubectl(['apply', '--server-side', '-f', changed]);
    expect(ssa.stderr).toBe('');
    expect(ssa.stdout.trim()).toBe('service/web serverside-applied');
    const svc = env.sandbox.store.get('services', 'web', 'default') as unknown as {
      spec: { ports: { targetPort: number }[] };
    };
    expect(svc.spec.ports[0]?.targetPort).toBe(9090);
    // kubectl moved client-side apply's fields to its own Apply entry (a JSON patch of
    // managedFields) and keeps the annotation under kubectl-last-applied.
    expect(managed().map((m) => [m.manager, m.operation])).toEqual([
      ['kubectl', 'Apply'],
      ['kubectl-last-applied', 'Apply'],
    ]);
    expect(managed()[1]?.fieldsV1).toEqual({
      'f:metadata': {
        '.': {},
        'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} },
      },
    });
    // The server keeps the annotation up to date: the configuration last applied, keys sorted.
    expect(annotation()).toBe(
      '{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"ports":[{"port":80,"targetPort":9090}],"selector":{"app":"web"},"type":"LoadBalancer"}}\n',
    );
    // A client-side apply can follow again (kubectl re-adds `annotations: {}` to its own
    // form of the annotation, so it reports `configured`).
    const back = await env.kubectl(['apply', '-f', changed]);
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
  });

  it('still conflicts on a field another manager changed since, and for another field manager', async () => {
    expect((await env.kubectl(['apply', '-f', await env.file('svc.yaml', SVC)])).code).toBe(0);
    const changed = await env.file('changed.yaml', CHANGED);
    const other = await env.kubectl([
      'apply',
      '--server-side',
      '--field-manager=other',
      '-f',
      changed,
    ]);
    expect(other.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .spec.ports[port=80,protocol="TCP"].targetPort',
    );
    const patched = await env.kubectl([
      'patch',
      'svc',
      'web',
      '--type=strategic',
      '-p',
      '{"spec":{"ports":[{"port":80,"targetPort":7070}]}}',
    ]);
    expect(patched.code).toBe(0);
    const ssa = await env.kubectl(['apply', '--server-side', '-f', changed]);
    expect(ssa.code).not.toBe(0);
    expect(ssa.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .spec.ports[port=80,protocol="TCP"].targetPort',
    );
  });

  it('takes managedFields a write sends: [{}] resets them', async () => {
    expect((await env.kubectl(['apply', '-f', await env.file('svc.yaml', SVC)])).code).toBe(0);
    const reset = await env.kubectl([
      'patch',
      'svc',
      'web',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/metadata/managedFields","value":[{}]}]',
    ]);
    expect(reset.stderr).toBe('');
    expect(
      env.sandbox.store.get('services', 'web', 'default').metadata['managedFields'],
    ).toBeUndefined();
  });
});
