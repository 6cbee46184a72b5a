import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/index.js';
import { startController, type RunningController } from '../../src/controller/start.js';
import type { createCallLog } from '../../src/core/calls.js';
import type { Provider } from '../../src/core/provider.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { loadKubeConfig } from '../../src/cli/kubeconfig.js';
import { afterAll } from 'vitest';
import { LBCTL_SA, RbacAudit, RbacReport } from './rbac-audit.js';

const run = promisify(execFile);

const DEPLOY = join(process.cwd(), 'infra/deploy');
/** The namespace of the shipped Role that covers leader election (infra/deploy/base/rbac.yaml). */
export const LEADER_ELECTION_NAMESPACE = LBCTL_SA.namespace;

// One report per test file: what the controllers of all its tests used of what was granted.
const report = new RbacReport();
// eslint-disable-next-line no-empty-pattern -- vitest parses the first parameter as fixtures
afterAll(({}, suite) => report.print(suite.name));

/**
 * A sandbox API server with RBAC enforced and infra/deploy installed by `kubectl apply -k`, a
 * kubectl bound to it as the administrator (own cache dir), and controllers to start: they run
 * as the shipped `lbctl` ServiceAccount, with leader election in its namespace. `close` fails
 * the test when the ServiceAccount was refused anything the test did not expect.
 */
export async function e2eEnv() {
  const dir = await mkdtemp(join(tmpdir(), 'lbctl-e2e-'));
  const rbac = new RbacAudit();
  const sandbox: Sandbox = await startSandbox({
    kubeconfigPath: join(dir, 'kubeconfig'),
    authorization: 'RBAC',
    onAuthorize: rbac.record,
  });
  const controllers: RunningController[] = [];
  /** What `lbctl run` in the shipped Deployment authenticates as: the lbctl ServiceAccount. */
  const controllerKubeconfig = join(dir, 'lbctl-sa.kubeconfig');
  await writeFile(
    controllerKubeconfig,
    sandbox.serviceAccountKubeconfig(LBCTL_SA.namespace, LBCTL_SA.name),
    { mode: 0o600 },
  );

  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(
      'kubectl',
      ['--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args],
      { timeout: 20_000, env: { ...process.env, HOME: dir } },
    );
    return stdout;
  };
  await kubectl('apply', '-k', DEPLOY);

  /** `kubectl apply -f -` of a YAML text. */
  const apply = async (yaml: string, verb: 'apply' | 'create' = 'apply'): Promise<string> => {
    const file = join(dir, `m-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
    return kubectl(verb, '-f', file);
  };

  /** The client-node KubeConfig of the lbctl ServiceAccount, for controllers a test starts itself. */
  const controllerKubeConfig = () => loadKubeConfig({ kubeconfig: controllerKubeconfig, env: {} });

  const startCtl = async (options: {
    provider: Provider;
    calls: ReturnType<typeof createCallLog>;
    leaderElect?: boolean;
    identity?: string;
    fastLeases?: boolean;
    verifyIntervalSeconds?: number;
    /** More `lbctl run` configuration (dryRun, drift, allowReplacement, ...). */
    config?: Record<string, unknown>;
  }): Promise<RunningController> => {
    const config = parseConfig({
      provider: options.provider.name,
      clusterName: 'e2e',
      leaderElect: options.leaderElect === true ? 'true' : 'false',
      leaderElectionNamespace: LEADER_ELECTION_NAMESPACE,
      metricsBindAddress: '127.0.0.1:0',
      logLevel: 'silent',
      ...(options.verifyIntervalSeconds === undefined
        ? {}
        : { verifyIntervalSeconds: options.verifyIntervalSeconds }),
      // Short leases keep the takeover test quick; the ratios are client-go's.
      ...(options.fastLeases === true
        ? { leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 0.5 }
        : {}),
      ...options.config,
    });
    const c = await startController({
      config,
      kc: controllerKubeConfig(),
      provider: options.provider,
      onCloudCall: options.calls.onRecord,
      logger: pino({ level: 'silent' }),
      ...(options.identity === undefined ? {} : { identity: options.identity }),
    });
    controllers.push(c);
    return c;
  };

  const getSvc = async (name: string) =>
    JSON.parse(await kubectl('get', 'svc', name, '-o', 'json')) as {
      metadata: { finalizers?: string[] };
      spec: { type: string };
      status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
    };

  return {
    sandbox,
    kubectl,
    apply,
    startCtl,
    getSvc,
    rbac,
    controllerKubeconfig,
    controllerKubeConfig,
    async close() {
      for (const c of controllers) await c.kill().catch(() => {});
      report.add(rbac, sandbox.store);
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
      // A verb the controller needs and infra/deploy does not grant fails the test here.
      const denied = rbac.unexpectedDenials();
      if (denied.length > 0)
        throw new Error(
          `RBAC: infra/deploy does not grant ${rbac.user} what it asked for: ${denied.join('; ')}`,
        );
    },
  };
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
  );
}

export const serviceYaml = (
  name: string,
  extra: { port?: number; annotations?: Record<string, string>; type?: string } = {},
) => `
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: default
${
  extra.annotations
    ? `  annotations:\n${Object.entries(extra.annotations)
        .map(([k, v]) => `    ${k}: "${v}"`)
        .join('\n')}\n`
    : ''
}spec:
  type: ${extra.type ?? 'LoadBalancer'}
  selector:
    app: ${name}
  ports:
    - name: http
      port: ${extra.port ?? 80}
      targetPort: 8080
`;

export const nodeYaml = (name: string, providerID: string, labels: Record<string, string> = {}) => `
apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    kubernetes.io/hostname: ${name}
    topology.kubernetes.io/zone: us-east-1a
${Object.entries(labels)
  .map(([k, v]) => `    ${k}: "${v}"`)
  .join('\n')}
spec:
  providerID: ${providerID}
status:
  addresses:
    - type: InternalIP
      address: 10.0.1.${Number(name.replace(/\D/g, '')) || 1}
`;
