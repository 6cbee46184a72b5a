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
