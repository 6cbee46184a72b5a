// Operations: /healthz, /readyz, /metrics and JSON logs of a running controller, and the
// `lbctl run` and `lbctl demo` processes.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { startController } from '../../src/controller/start.js';
import { createCallLog } from '../../src/core/calls.js';
import { createLogger } from '../../src/observability/logger.js';
import { LocalCloud, connectLocal } from '../../providers/local/index.js';
import { LEADER_ELECTION_NAMESPACE, e2eEnv, eventually, nodeYaml, serviceYaml } from './support.js';

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Last in, first out: controllers stop before their sandbox closes (and checks RBAC).
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('operations', { timeout: 60_000 }, () => {
  it('serves health, readiness and metrics; every log line about a Service names it', async () => {
    const env = await e2eEnv();
    cleanups.push(() => env.close());
    await env.apply(nodeYaml('node-1', 'local://node-1'));
    const lines: Record<string, unknown>[] = [];
    const sink = {
      write(chunk: string) {
        for (const l of chunk.split('\n')) {
          if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
        }
      },
    };
    const calls = createCallLog();
    const config = parseConfig({
      provider: 'local',
      clusterName: 'ops',
      leaderElect: 'true',
      leaderElectionNamespace: LEADER_ELECTION_NAMESPACE,
      metricsBindAddress: '127.0.0.1:0',
      logLevel: 'debug',
    });
    const c = await startController({
      config,
      kc: env.controllerKubeConfig(),
      provider: connectLocal(new LocalCloud(), calls),
      onCloudCall: calls.onRecord,
      logger: createLogger({ level: 'debug', destination: sink }),
    });
    cleanups.push(() => c.stop());
    expect((await fetch(`${c.opsUrl}/healthz`)).status).toBe(200);
    await eventually(async () => (await fetch(`${c.opsUrl}/readyz`)).status === 200, 'ready');
    await env.apply(serviceYaml('web'), 'create');
    await eventually(
      async () => (await env.getSvc('web')).status?.loadBalancer?.ingress?.[0]?.ip,
      'an IP',
    );
    const metrics = await (await fetch(`${c.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/lbctl_reconcile_total\{result="synced"\} [1-9]/);
    expect(metrics).toMatch(/lbctl_reconcile_duration_seconds_count\{result="synced"\} [1-9]/);
    expect(metrics).toMatch(
      /lbctl_cloud_calls_total\{provider="local",operation="CreateLoadBalancer",outcome="ok"\} 1/,
    );
    expect(metrics).toMatch(/lbctl_workqueue_depth\{priority="high"\} 0/);
    expect(metrics).toMatch(
      /lbctl_workqueue_queue_duration_seconds_count\{priority="high"\} [1-9]/,
    );
    expect(metrics).toMatch(/lbctl_leader 1/);
    expect((await fetch(`${c.opsUrl}/nope`)).status).toBe(404);
    const about = lines.filter(
      (l) => typeof l['msg'] === 'string' && ['applying plan', 'reconciled'].includes(l['msg']),
    );
    expect(about.length).toBeGreaterThan(0);
    // The sandbox also holds the API server's own `default/kubernetes` Service, which the
    // controller reconciles as a no-op: every line must name its Service, whichever it is.
    for (const l of about) expect(l['service']).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
    expect(about.some((l) => l['service'] === 'default/web')).toBe(true);
    expect(
      lines.every((l) => typeof l['time'] === 'string' && typeof l['level'] === 'string'),
    ).toBe(true);
  });
});

describe('lbctl run and lbctl demo (processes)', { timeout: 60_000 }, () => {
  it('run: a bad configuration lists every bad field and exits 1', async () => {
    const err: unknown = await run(
      'node',
      ['bin/lbctl.js', 'run', '--provider', 'ibm', '--workers', '0'],
      {
        env: { ...process.env, LBCTL_CLUSTER_NAME: 'not a/name' },
      },
    ).catch((e: unknown) => e);
    const e = err as { code: number; stderr: string };
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('provider');
    expect(e.stderr).toContain('workers');
    expect(e.stderr).toContain('clusterName');
  });

  it('run: reconciles against a cluster as the lbctl ServiceAccount, then SIGTERM releases and exits 0', async () => {
    const env = await e2eEnv();
    cleanups.push(() => env.close());
    const child = spawn(
      'node',
      [
        'bin/lbctl.js',
        'run',
        '--provider',
        'local',
        '--cluster-name',
        'proc',
        '--kubeconfig',
        env.controllerKubeconfig,
        '--metrics-bind-address',
        '127.0.0.1:0',
        '--leader-election-namespace',
        LEADER_ELECTION_NAMESPACE,
        '--log-level',
        'info',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await eventually(() => stderr.includes('leading: starting workers'), 'leadership', 20_000);
    const holder = () =>
      env.kubectl(
        'get',
        'lease',
        'lbctl',
        '-n',
        LEADER_ELECTION_NAMESPACE,
        '-o',
        'jsonpath={.spec.holderIdentity}',
      );
    expect(await holder()).not.toBe('');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await holder()).toBe('');
  });

  it('demo: every LoadBalancer Service gets an address, printed like kubectl get svc', async () => {
    const { stdout } = await run('node', ['bin/lbctl.js', 'demo', '--no-color'], {
      timeout: 60_000,
    });
    expect(stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
    expect(stdout).toMatch(/NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)/);
    expect(stdout).toMatch(/myapp-service\s+LoadBalancer\s+\S+\s+192\.0\.2\.\d+\s+80:30008\/TCP/);
    expect(stdout).toMatch(/redis-master\s+ClusterIP\s+\S+\s+<none>/);
    expect(stdout).not.toContain('<pending>');
  });
});
