import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { LbctlError } from '../core/errors.js';

/** Where a pod's service account is mounted (client-go's in-cluster paths). */
const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The cluster to talk to, found as kubectl finds it (client-go's loading rules):
 * 1. `--kubeconfig FILE`: that file only (it must exist);
 * 2. else `$KUBECONFIG`: a list of files (`:`-separated), merged, the first to set a value wins;
 *    files that do not exist are skipped;
 * 3. else `~/.kube/config`;
 * 4. when none of these gives a context and the process runs in a pod
 *    (KUBERNETES_SERVICE_HOST), the pod's service account.
 * `context` picks a context as `kubectl --context` does; errors use kubectl's words.
 */
export function loadKubeConfig(options: {
  kubeconfig?: string;
  context?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Prefix of the service account's mount path (tests); '' in a pod. */
  inClusterRoot?: string;
}): KubeConfig {
  const { env } = options;
  const kc = new KubeConfig();
  const files = kubeconfigFiles(options.kubeconfig, env);
  for (const [i, file] of files.entries()) {
    if (i === 0) {
      kc.loadFromFile(file);
      continue;
    }
    // client-go: the first file to set the current context (or a named entry) wins.
    const next = new KubeConfig();
    next.loadFromFile(file);
    mergeMissing(kc, next);
    if (kc.currentContext === '' && next.currentContext !== '') {
      kc.setCurrentContext(next.currentContext);
    }
  }
  if (kc.contexts.length === 0) {
    if (options.kubeconfig === undefined && (env['KUBERNETES_SERVICE_HOST'] ?? '') !== '') {
      const root = options.inClusterRoot ?? '';
      // client-go's InClusterConfig reads the token first and fails with its path; the client
      // would only fail at the first request, with an ENOENT naming the CA file.
      const token = `${root}${SERVICE_ACCOUNT}/token`;
      if (!existsSync(token)) {
        throw new LbctlError(
          'invalid',
          `unable to load in-cluster configuration: open ${token}: no such file or directory (KUBERNETES_SERVICE_HOST is set, but no service account token is mounted): pass --kubeconfig FILE or set $KUBECONFIG`,
        );
      }
      kc.loadFromCluster(root);
      if (options.context !== undefined) selectContext(kc, options.context);
      return kc;
    }
    throw new LbctlError(
      'invalid',
      files.length === 0
        ? 'no kubeconfig found: pass --kubeconfig FILE, set $KUBECONFIG, or create ~/.kube/config (run in a pod to use its service account)'
        : `${files.join(delimiter)}: no context in the kubeconfig`,
    );
  }
  if (options.context !== undefined) selectContext(kc, options.context);
  else if (kc.currentContext === '') {
    throw new LbctlError(
      'invalid',
      `current-context is not set in ${files.join(delimiter)}: pass --context NAME (one of ${kc.contexts.map((c) => `"${c.name}"`).join(', ')})`,
    );
  } else selectContext(kc, kc.currentContext);
  return kc;
}

/** The files kubectl would read, in order; `--kubeconfig` must exist, `$KUBECONFIG` entries may not. */
function kubeconfigFiles(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) {
      throw new LbctlError('invalid', `stat ${explicit}: no such file or directory`);
    }
    return [explicit];
  }
  const list = env['KUBECONFIG'] ?? '';
  if (list !== '') return list.split(delimiter).filter((p) => p !== '' && existsSync(p));
  const home = join(env['HOME'] ?? homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

function selectContext(kc: KubeConfig, name: string): void {
  if (kc.getContextObject(name) === null) {
    throw new LbctlError('invalid', `context "${name}" does not exist`);
  }
  kc.setCurrentContext(name);
}

/** Adds the clusters, users and contexts of `next` that `kc` does not name yet. */
function mergeMissing(kc: KubeConfig, next: KubeConfig): void {
  for (const c of next.clusters) if (kc.getCluster(c.name) === null) kc.addCluster(c);
  for (const u of next.users) if (kc.getUser(u.name) === null) kc.addUser(u);
  for (const c of next.contexts) if (kc.getContextObject(c.name) === null) kc.addContext(c);
}
