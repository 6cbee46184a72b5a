import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Service } from '../core/k8s.js';
import type { LayersConfig } from '../layers/index.js';
import { DEFAULT_LAYERS, LayerAllocator } from '../layers/index.js';
import { ApplyConfigs } from './apply.js';
import { SandboxStore } from './facade.js';
import type { AuthConfig, AuthorizationMode, AuthorizationRecord } from './auth/gate.js';
import { ADMIN, serviceAccountUser, Tokens } from './auth/users.js';
import { selfSignedCertificate } from './auth/tls.js';
import type { Credentials } from './kubeconfig.js';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.js';
import { keyOf } from './keys.js';
import { ensureKubernetesService } from './kubernetes-service.js';
import { Registry } from './registry.js';
import { resourceFor } from './resources.js';
import { createListener } from './server.js';
import { loadSnapshot, saveSnapshot } from './snapshot.js';
import { Store } from './store.js';
import { WatchHub } from './watch.js';

export { ApiError } from './errors.js';
export { SandboxStore } from './facade.js';
export type { KObject } from './json.js';
export type { AuthorizationMode, AuthorizationRecord } from './auth/gate.js';

export interface SandboxOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Only loopback is allowed: the sandbox has no authentication. */
  host?: '127.0.0.1';
  /** Where to write the kubeconfig; absent: a file in a fresh temporary folder, removed on close. */
  kubeconfigPath?: string;
  /** State is loaded from it at start (when it exists) and written to it after changes and on close. */
  snapshotFile?: string;
  /** Service CIDRs and NodePort range for Service admission (default 10.96.0.0/12, 30000-32767). */
  layers?: LayersConfig;
  now?: () => Date;
  /** How often watches that allow bookmarks get one (default 10 s; the client gives up after 30 s of silence). */
  bookmarkIntervalMs?: number;
  /** How many changes a watch can resume from; older resourceVersions get 410 Gone (default 1000). */
  historyLimit?: number;
  onRequest?: (entry: { method: string; url: string; code: number }) => void;
  /**
   * `RBAC`: requests are authorised by the Roles, ClusterRoles and bindings stored in the
   * sandbox, as kube-apiserver's RBAC authorizer does; the kubeconfig then carries the
   * administrator's token (system:masters). Default `AlwaysAllow`.
   */
  authorization?: AuthorizationMode;
  /** Every RBAC decision (RBAC mode), for tests that compare granted and used permissions. */
  onAuthorize?: (record: AuthorizationRecord) => void;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT, or https:// with RBAC (kubectl sends credentials only over TLS). */
  url: string;
  /** RBAC mode: the PEM of the server's self-signed certificate, for clients to trust. */
  ca?: string;
  port: number;
  kubeconfigPath: string;
  kubeconfig(): string;
  store: SandboxStore;
  /** A bearer token that authenticates as the ServiceAccount (it need not exist yet). */
  serviceAccountToken(namespace: string, name: string): string;
  /** A kubeconfig (YAML) whose user is that ServiceAccount, by token. */
  serviceAccountKubeconfig(namespace: string, name: string): string;
  close(): Promise<void>;
}

const NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Starts the sandbox Kubernetes API server on 127.0.0.1: kubectl- and client-node-compatible
 * for the resources lbctl uses (docs/sandbox.md), state in memory, optionally a snapshot.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1')
    throw new TypeError(`the sandbox listens on 127.0.0.1 only, not ${String(host)}`);
  const now = opts.now ?? (() => new Date());
  const store = new Store(opts.historyLimit ?? 1000);
  const layers = opts.layers ?? DEFAULT_LAYERS;
  const allocator = new LayerAllocator(layers);
  const registry = new Registry({ store, allocator, now });
  const hub = new WatchHub(registry, {
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000,
    now,
  });
  const dump = opts.snapshotFile === undefined ? undefined : await loadSnapshot(opts.snapshotFile);
  if (dump === undefined) {
    for (const name of NAMESPACES)
      registry.create(resourceFor('namespaces'), undefined, { metadata: { name } });
  } else {
    store.restore(dump, (_storage, o) => keyOf(o));
    for (const svc of store.list('services')) allocator.allocate(svc as unknown as Service);
  }
  ensureKubernetesService(registry, layers);
  const tokens = new Tokens();
  const mode = opts.authorization ?? 'AlwaysAllow';
  const adminToken = mode === 'RBAC' ? tokens.issue(ADMIN) : undefined;
  const tls = mode === 'RBAC' ? selfSignedCertificate() : undefined;
  const auth: AuthConfig = {
    mode,
    tokens,
    store,
    ...(opts.onAuthorize === undefined ? {} : { onDecision: opts.onAuthorize }),
  };
  let port = 0;
  const listener = createListener({
    auth,
    registry,
    hub,
    applyConfigs: new ApplyConfigs(),
    now,
    serverAddress: () => `127.0.0.1:${port}`,
    ...(opts.onRequest === undefined ? {} : { onRequest: opts.onRequest }),
  });
  const server = tls === undefined ? createServer(listener) : createHttpsServer(tls, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  const creds = (token: string | undefined): Credentials => ({
    ...(token === undefined ? {} : { token }),
    ...(tls === undefined ? {} : { ca: tls.cert }),
  });
  const tempDir =
    opts.kubeconfigPath === undefined ? await mkdtemp(join(tmpdir(), 'lbctl-sandbox-')) : undefined;
  const kubeconfigPath = opts.kubeconfigPath ?? join(tempDir as string, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, url, creds(adminToken));
  const persist =
    opts.snapshotFile === undefined ? undefined : snapshotWriter(opts.snapshotFile, store);
  const unsubscribe = store.subscribe(() => persist?.schedule());
  return {
    url,
    port,
    kubeconfigPath,
    ...(tls === undefined ? {} : { ca: tls.cert }),
    kubeconfig: () => kubeconfigYaml(url, creds(adminToken)),
    serviceAccountToken: (ns, name) => tokens.issue(serviceAccountUser(ns, name)),
    serviceAccountKubeconfig: (ns, name) =>
      kubeconfigYaml(url, creds(tokens.issue(serviceAccountUser(ns, name)))),
    store: new SandboxStore(registry, hub),
    close: async () => {
      unsubscribe();
      hub.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await persist?.flush();
      if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
    },
  };
}

/** Writes the snapshot at most every 100 ms after changes, and once more on close. */
function snapshotWriter(file: string, store: Store): { schedule(): void; flush(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  // A failed background write is reported by the next flush (close), not lost.
  let failure: unknown;
  const write = (): Promise<void> => {
    timer = undefined;
    writing = writing
      .then(() => saveSnapshot(file, store.dump()))
      .catch((e: unknown) => {
        failure = e;
      });
    return writing;
  };
  return {
    schedule: () => {
      timer ??= setTimeout(() => void write(), 100);
      timer.unref();
    },
    flush: async () => {
      if (timer !== undefined) clearTimeout(timer);
      await write();
      if (failure !== undefined)
        throw new Error(`could not write the sandbox snapshot ${file}`, { cause: failure });
    },
  };
}
