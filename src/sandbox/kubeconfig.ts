import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export const SANDBOX_CONTEXT = 'lbctl-sandbox';

/**
 * A kubeconfig for the sandbox: one cluster, one anonymous user, one current context. The
 * server is plain HTTP on loopback; `insecure-skip-tls-verify` is set because client-node
 * refuses an `http://` server without it (kubectl does not mind).
 */
export function kubeconfigYaml(server: string, name = SANDBOX_CONTEXT): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: {} }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, server: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, kubeconfigYaml(server), { mode: 0o600 });
}
