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

const run = promisify(execFile);

/** A sandbox API server, a kubectl bound to it (own cache dir), and controllers to start. */
export async function e2eEnv() {
  const dir = await mkdtemp(join(tmpdir(), 'lbctl-e2e-'));
  const sandbox: Sandbox = await startSandbox();
  const controllers: RunningController[] = [];

  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(
      'kubectl',
      ['--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args],
      { timeout: 20_000, env: { ...process.env, HOME: dir } },
    );
    return stdout;
  };

  /** `kubectl apply -f -` of a YAML text. */
  const apply = async (yaml: string, verb: 'apply' | 'create' = 'apply'): Promise<string> => {
    const file = join(dir, `m-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
    return kubectl(verb, '-f', file);
  };

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
      leaderElectionNamespace: 'default',
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
    const kc = loadKubeConfig({ kubeconfig: sandbox.kubeconfigPath, env: {} });
    const c = await startController({
      config,
      kc,
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
    async close() {
      for (const c of controllers) await c.kill().catch(() => {});
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
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
