// End to end with the sandbox API server and real kubectl, against the in-memory cloud: the
// replacement guardrail, status conditions and per-port status as kubectl shows them, and the
// report-only controller.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LocalCloud, connectLocal } from '../../providers/local/index.js';
import { createCallLog } from '../../src/core/calls.js';
import type { Condition } from '../../src/core/k8s.js';
import { LEADER_ELECTION_NAMESPACE, e2eEnv, eventually, nodeYaml, serviceYaml } from './support.js';

type Env = Awaited<ReturnType<typeof e2eEnv>>;
let env: Env;
let cloud: LocalCloud;
let calls: ReturnType<typeof createCallLog>;

beforeEach(async () => {
  env = await e2eEnv();
  cloud = new LocalCloud();
  calls = createCallLog();
  for (let i = 1; i <= 2; i++) await env.apply(nodeYaml(`node-${i}`, `local://node-${i}`));
});
afterEach(async () => {
  await env.close();
});

const provider = () => connectLocal(cloud, calls);
interface SvcYaml {
  metadata: { finalizers?: string[] };
  status?: {
    loadBalancer?: { ingress?: { ip?: string; ports?: unknown[] }[] };
    conditions?: Condition[];
  };
}
const svcYaml = async (name: string) =>
  parseYaml(await env.kubectl('get', 'svc', name, '-o', 'yaml')) as SvcYaml;
const conditionOf = async (name: string, type: string) =>
  (await svcYaml(name)).status?.conditions?.find((c) => c.type === type);
const events = async (name: string) =>
  (
    JSON.parse(
      await env.kubectl(
        'get',
        'events',
        '--field-selector',
        `involvedObject.name=${name}`,
        '-o',
        'json',
      ),
    ) as { items: { type: string; reason: string; message: string }[] }
  ).items;
const lb = () => cloud.list().find((r) => r.type === 'local_lb');

describe(
  'e2e (sandbox + local cloud): replacement guardrail and conditions',
  { timeout: 60_000 },
  () => {
    it('a blocked scheme change leaves the LB untouched and says why in the conditions', async () => {
      await env.startCtl({ provider: provider(), calls });
      await env.apply(serviceYaml('web'), 'create');
      const ok = await eventually(
        async () =>
          (await conditionOf('web', 'LoadBalancerProvisioned'))?.status === 'True' &&
          svcYaml('web'),
        'the Provisioned condition',
      );
      expect(ok.status?.loadBalancer?.ingress).toEqual([
        { ip: '192.0.2.1', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] },
      ]);
      // The condition is what `kubectl wait` understands.
      expect(
        await env.kubectl(
          'wait',
          '--for=condition=LoadBalancerProvisioned',
          'svc/web',
          '--timeout=10s',
        ),
      ).toContain('condition met');
      const before = lb();

      calls.reset();
      await env.kubectl('annotate', 'svc', 'web', 'lbctl.io/scheme=internal');
      const blocked = await eventually(async () => {
        const c = await conditionOf('web', 'LoadBalancerProvisioned');
        return c?.reason === 'ReplacementBlocked' ? c : undefined;
      }, 'the ReplacementBlocked condition');
      expect(blocked.status).toBe('False');
      expect(blocked.message).toContain('local_lb.this.scheme: "external" -> "internal"');
      expect(calls.count({ write: true })).toBe(0);
      expect(lb()).toEqual(before);
      const warning = (await events('web')).find((e) => e.reason === 'ReplacementBlocked');
      expect(warning?.type).toBe('Warning');
      const described = await env.kubectl('describe', 'svc', 'web');
      expect(described).toMatch(/Warning\s+ReplacementBlocked/);
      expect(described).toMatch(/LoadBalancer Ingress:\s+192\.0\.2\.1/);

      await env.kubectl('annotate', 'svc', 'web', 'lbctl.io/allow-replacement=true');
      await eventually(() => lb()?.attributes['scheme'] === 'internal', 'the replacement');
      expect(lb()?.id).not.toBe(before?.id);
      await eventually(
        async () => (await conditionOf('web', 'LoadBalancerProvisioned'))?.reason === 'Provisioned',
        'Provisioned again',
      );
    });

    it('lbctl run --dry-run: no cloud write, no finalizer, no status; the plan as a Normal Event', async () => {
      // With leader election, as the shipped Deployment runs it: its own Lease, which the
      // shipped Role must cover (a denial fails the test in env.close).
      const running = await env.startCtl({
        provider: provider(),
        calls,
        leaderElect: true,
        config: { dryRun: true },
      });
      await eventually(() => running.isLeader(), 'the dry-run replica leads');
      expect(
        await env.kubectl(
          'get',
          'lease',
          'lbctl-dry-run',
          '-n',
          LEADER_ELECTION_NAMESPACE,
          '-o',
          'jsonpath={.spec.holderIdentity}',
        ),
      ).toBe(running.identity);
      await env.apply(serviceYaml('web'), 'create');
      const event = await eventually(
        async () => (await events('web')).find((e) => e.reason === 'DryRunPlan'),
        'the DryRunPlan event',
      );
      expect(event.type).toBe('Normal');
      expect(event.message).toContain('Plan: 3 to add, 0 to change, 0 to destroy.');
      expect(calls.count({ write: true })).toBe(0);
      const svc = await svcYaml('web');
      expect(svc.metadata.finalizers ?? []).toEqual([]);
      expect(svc.status?.conditions).toBeUndefined();
      expect(svc.status?.loadBalancer?.ingress).toBeUndefined();
      const metrics = await (await fetch(`${running.opsUrl}/metrics`)).text();
      expect(metrics).toContain('lbctl_pending_changes{action="create"} 3');
    });
  },
);
