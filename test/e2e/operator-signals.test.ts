// What an operator reads from a running controller (issue 11 #5): error lines with reasons,
// readiness that tells the truth, client-go / controller-runtime metric names, and the flags.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { startController } from '../../src/controller/start.js';
import { createCallLog } from '../../src/core/calls.js';
import { createLogger } from '../../src/observability/logger.js';
import { LocalCloud, connectLocal } from '../../providers/local/index.js';
import { LEADER_ELECTION_NAMESPACE, e2eEnv, eventually, nodeYaml, serviceYaml } from './support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Last in, first out: controllers stop before their sandbox closes (and checks RBAC).
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Line = Record<string, unknown>;

async function controller(
  config: Record<string, unknown>,
  before?: (env: Awaited<ReturnType<typeof e2eEnv>>) => Promise<void>,
) {
  const env = await e2eEnv();
  cleanups.push(() => env.close());
  await before?.(env);
  await env.apply(nodeYaml('node-1', 'local://node-1'));
  const lines: Line[] = [];
  const sink = {
    write(chunk: string) {
      for (const l of chunk.split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Line);
    },
  };
  const calls = createCallLog();
  const c = await startController({
    config: parseConfig({
      provider: 'local',
      clusterName: 'ops',
      metricsBindAddress: '127.0.0.1:0',
      logLevel: 'info',
      leaderElectionNamespace: LEADER_ELECTION_NAMESPACE,
      leaseDurationSeconds: 3,
      renewDeadlineSeconds: 2,
      retryPeriodSeconds: 0.2,
      ...config,
    }),
    kc: env.controllerKubeConfig(),
    provider: connectLocal(new LocalCloud(), calls),
    onCloudCall: calls.onRecord,
    logger: createLogger({ level: 'info', destination: sink }),
  });
  cleanups.push(() => c.stop());
  return { env, c, lines };
}

describe('operator signals', { timeout: 60_000 }, () => {
  it.each([
    {
      case: 'a namespace the shipped Role does not cover',
      // RBAC decides before the namespace is looked up: a 403, as on a real cluster.
      code: '403',
      reason:
        /access to the leader-election Lease no-such-namespace\/lbctl is forbidden \(check the Role and RoleBinding\)/,
      detail:
        /leases.coordination.k8s.io "lbctl" is forbidden: User "system:serviceaccount:lbctl-system:lbctl" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "no-such-namespace"/,
      widen: false,
    },
    {
      case: 'a missing namespace, with Leases granted everywhere',
      code: '404',
      reason: /Lease no-such-namespace\/lbctl cannot be created/,
      detail: /namespaces "no-such-namespace" not found/,
      widen: true,
    },
  ])(
    'leader election in $case: /readyz is 503 with the reason, and an error line says it',
    async ({ code, reason, detail, widen }) => {
      const { env, c, lines } = await controller(
        { leaderElect: 'true', leaderElectionNamespace: 'no-such-namespace' },
        async (e) => {
          if (!widen) {
            e.rbac.expectDenied((d) => d.attributes.namespace === 'no-such-namespace');
            return;
          }
          // What an operator who binds Lease access cluster-wide has instead of the shipped Role.
          await e.apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: leases-anywhere }
rules:
  - { apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: leases-anywhere }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: leases-anywhere }
subjects: [{ kind: ServiceAccount, name: lbctl, namespace: lbctl-system }]
`);
        },
      );
      const body = await eventually(async () => {
        const r = await fetch(`${c.opsUrl}/readyz`);
        const text = await r.text();
        return r.status === 503 && text.includes('cannot lead') ? text : undefined;
      }, 'not ready because it cannot lead');
      expect(body).toMatch(reason);
      expect(body).toMatch(detail);
      const errors = lines.filter((l) => l['level'] === 'error');
      expect(
        errors.some((l) => String(l['msg']).includes('cannot lead') && l['code'] === code),
      ).toBe(true);
      // Repeats are not logged on every retry (5 per second here).
      await new Promise((r) => setTimeout(r, 1_000));
      expect(lines.filter((l) => l['level'] === 'error').length).toBeLessThanOrEqual(2);
      expect((await fetch(`${c.opsUrl}/healthz`)).status).toBe(200);
      expect(c.isLeader()).toBe(false);
      expect(env.rbac.records.length).toBeGreaterThan(0);
    },
  );

  it('client-go and controller-runtime metric names, unprefixed process metrics, and one info line with the address', async () => {
    const { env, c, lines } = await controller({ leaderElect: 'false' });
    await env.apply(serviceYaml('web'), 'create');
    await eventually(
      async () => (await env.getSvc('web')).status?.loadBalancer?.ingress?.[0]?.ip,
      'an IP',
    );
    await eventually(() => c.controller.isIdle(), 'idle');
    const m = await (await fetch(`${c.opsUrl}/metrics`)).text();
    for (const re of [
      /^workqueue_adds_total\{name="service"\} [1-9]/m,
      /^workqueue_retries_total\{name="service"\} 0/m,
      /^workqueue_depth\{name="service"\} 0/m,
      /^workqueue_work_duration_seconds_count\{name="service"\} [1-9]/m,
      /^workqueue_queue_duration_seconds_count\{name="service"\} [1-9]/m,
      /^workqueue_unfinished_work_seconds\{name="service"\} 0/m,
      /^workqueue_longest_running_processor_seconds\{name="service"\} 0/m,
      /^rest_client_requests_total\{code="200",method="GET"\} [1-9]/m,
      /^rest_client_requests_total\{code="200",method="PUT"\} [1-9]/m,
      /^rest_client_requests_total\{code="200",method="PATCH"\} [1-9]/m,
      /^rest_client_requests_total\{code="201",method="POST"\} [1-9]/m,
      /^leader_election_master_status\{name="lbctl"\} 1/m,
      /^process_cpu_seconds_total /m,
      /^nodejs_heap_size_used_bytes /m,
      /^lbctl_reconcile_total\{result="synced"\} [1-9]/m,
      /^lbctl_verify_interval_seconds 600/m,
      /^lbctl_verify_budget_calls_per_second\{api_class="read"\} 200/m,
    ]) {
      expect(m).toMatch(re);
    }
    expect(m).not.toMatch(/lbctl_process_/);
    const ensured = lines.filter((l) => l['msg'] === 'ensured load balancer');
    expect(ensured).toEqual([
      expect.objectContaining({ level: 'info', service: 'default/web', address: '192.0.2.1' }),
    ]);
  });

  it('--metrics-bind-address=0 disables metrics; --health-probe-bind-address serves the probes alone', async () => {
    const { c } = await controller({
      leaderElect: 'false',
      metricsBindAddress: '0',
      healthProbeBindAddress: '127.0.0.1:0',
    });
    expect(c.metricsUrl).toBeUndefined();
    expect(c.healthUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await eventually(async () => (await fetch(`${c.healthUrl}/readyz`)).status === 200, 'ready');
    expect((await fetch(`${c.healthUrl}/metrics`)).status).toBe(404);
  });
});
