import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export const SANDBOX_CONTEXT = 'lbctl-sandbox';

/**
 * A kubeconfig for the sandbox: one cluster, one user (anonymous, or the administrator's
 * token when RBAC is enforced), one current context. The
 * server is plain HTTP on loopback; `insecure-skip-tls-verify` is set because client-node
 * refuses an `http://` server without it (kubectl does not mind).
 */
export interface Credentials {
  token?: string;
  /** PEM of the server's self-signed certificate (RBAC mode serves TLS). */
  ca?: string;
}

export function kubeconfigYaml(
  server: string,
  creds: Credentials = {},
  name = SANDBOX_CONTEXT,
): string {
  const token = creds.token;
  const cluster =
    creds.ca === undefined
      ? { server, 'insecure-skip-tls-verify': true }
      : { server, 'certificate-authority-data': Buffer.from(creds.ca).toString('base64') };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: token === undefined ? {} : { token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

export async function writeKubeconfig(
  path: string,
  server: string,
  creds: Credentials = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, kubeconfigYaml(server, creds), { mode: 0o600 });
}
