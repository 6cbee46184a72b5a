// The replacement guardrail, conditions and per-port status, the report-only controller and
// drift reporting, through the controller with the in-memory cluster and the local cloud.
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../providers/local/index.js';
import { LbctlError } from '../../src/core/errors.js';
import type { Condition } from '../../src/core/k8s.js';
import type { Provider } from '../../src/core/provider.js';
import { lbService, node } from './support/fixtures.js';
import { harness } from './support/harness.js';
import type { MemoryCluster } from './support/memory-cluster.js';

type H = ReturnType<typeof harness>;
const running: H[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.controller.stop();
});

async function started(options: Parameters<typeof harness>[0], setup: (c: MemoryCluster) => void) {
  const h = harness(options);
  running.push(h);
  setup(h.cluster);
  await h.start();
  return h;
}
const threeNodes = (c: MemoryCluster) => ['n1', 'n2', 'n3'].forEach((n) => c.setNode(node(n)));
const condition = (h: H, type: string, key = 'default/web'): Condition | undefined =>
  h.cluster.service(key)?.status?.conditions?.find((c) => c.type === type);
const lbOf = (h: H) => h.cloud.list().find((r) => r.type === 'local_lb');
const internal = { 'lbctl.io/scheme': 'internal' };

describe('replacement guardrail', () => {
  it('a scheme change is not carried out: LB untouched, a Warning and a condition name the field', async () => {
    const h = await started({}, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    const before = lbOf(h);
    expect(condition(h, 'LoadBalancerProvisioned')).toMatchObject({
      status: 'True',
      reason: 'Provisioned',
      message: 'load balancer provisioned at 192.0.2.1',
    });
    h.calls.reset();
    h.cluster.applyService(lbService('web', { annotations: internal }));
    await h.settle();
    expect(h.writes()).toBe(0);
    expect(lbOf(h)).toEqual(before);
    const warning = h.cluster.events.find((e) => e.reason === 'ReplacementBlocked');
    expect(warning?.type).toBe('Warning');
    expect(warning?.message).toContain('local_lb.this.scheme: "external" -> "internal"');
    expect(warning?.message).toContain('lbctl.io/allow-replacement: "true"');
    const blocked = condition(h, 'LoadBalancerProvisioned');
    expect(blocked).toMatchObject({ status: 'False', reason: 'ReplacementBlocked' });
    expect(blocked?.message).toContain('local_lb.this.scheme');
    // The address still shown is the running load balancer's.
    expect(h.cluster.service('default/web')?.status?.loadBalancer?.ingress?.[0]?.ip).toBe(
      '192.0.2.1',
    );

    // A second look with nothing new writes nothing: no Event flood beyond the correlator, no status.
    const statusWrites = h.cluster.writes.patchServiceStatus;
    await h.clock.advance(700_000);
    await h.settle();
    expect(h.cluster.writes.patchServiceStatus).toBe(statusWrites);
    expect(h.writes()).toBe(0);

    h.cluster.applyService(
      lbService('web', { annotations: { ...internal, 'lbctl.io/allow-replacement': 'true' } }),
    );
    await h.settle();
    expect(lbOf(h)?.id).not.toBe(before?.id);
    expect(lbOf(h)?.attributes['scheme']).toBe('internal');
    expect(condition(h, 'LoadBalancerProvisioned')).toMatchObject({
      status: 'True',
      reason: 'Provisioned',
    });
  });

  it('--allow-replacement lets the controller replace without the annotation', async () => {
    const h = await started({ policy: { allowReplacement: true } }, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    const id = lbOf(h)?.id;
    h.cluster.applyService(lbService('web', { annotations: internal }));
    await h.settle();
    expect(lbOf(h)?.id).not.toBe(id);
    expect(h.cluster.events.some((e) => e.reason === 'ReplacementBlocked')).toBe(false);
  });

  it('a bad annotation value is invalid input, named in the condition', async () => {
    const h = await started({}, (c) => {
      threeNodes(c);
      c.applyService(lbService('web', { annotations: { 'lbctl.io/allow-replacement': 'yes' } }));
    });
    expect(h.calls.calls).toHaveLength(0);
    const c = condition(h, 'LoadBalancerProvisioned');
    expect(c).toMatchObject({ status: 'False', reason: 'InvalidInput' });
    expect(c?.message).toContain('metadata.annotations[lbctl.io/allow-replacement]');
  });
});

describe('per-port status and conditions', () => {
  // The local cloud serves every protocol; this wrapper declares UDP refused, as a cloud would.
  const refusingUdp = (p: Provider): Provider =>
    Object.assign(Object.create(p) as Provider, {
      refusedPorts: (intent: Parameters<NonNullable<Provider['refusedPorts']>>[0]) =>
        intent.listeners
          .filter((l) => l.protocol === 'UDP')
          .map((l) => ({
            listener: l.name,
            port: l.port,
            protocol: l.protocol,
            reason: 'ProtocolNotSupported',
            message: 'this cloud serves TCP only',
          })),
    });
  const mixed = lbService('web', {
    ports: [
      { name: 'http', port: 80, nodePort: 30080 },
      { name: 'dns', port: 53, nodePort: 30053, protocol: 'UDP' },
    ],
  });

  it('serves the TCP port, reports the UDP one in ports[].error and LoadBalancerPortsError', async () => {
    const h = await started({ wrap: refusingUdp }, (c) => {
      threeNodes(c);
      c.applyService(mixed);
    });
    const listeners = h.cloud.list().filter((r) => r.type === 'local_listener');
    expect(listeners.map((l) => l.attributes['port'])).toEqual([80]);
    const svc = h.cluster.service('default/web');
    expect(svc?.status?.loadBalancer?.ingress).toEqual([
      {
        ip: '192.0.2.1',
        ipMode: 'VIP',
        ports: [
          { port: 53, protocol: 'UDP', error: 'lbctl.io/ProtocolNotSupported' },
          { port: 80, protocol: 'TCP' },
        ],
      },
    ]);
    expect(condition(h, 'LoadBalancerPortsError')).toMatchObject({
      status: 'True',
      reason: 'LoadBalancerMixedProtocolNotSupported',
      message: '53/UDP: this cloud serves TCP only',
    });
    expect(condition(h, 'LoadBalancerProvisioned')?.status).toBe('True');

    h.cluster.applyService(lbService('web'));
    await h.settle();
    expect(condition(h, 'LoadBalancerPortsError')).toMatchObject({
      status: 'False',
      reason: 'PortsServed',
    });
  });

  it('every port refused is invalid input; nothing is created', async () => {
    const h = await started({ wrap: refusingUdp }, (c) => {
      threeNodes(c);
      c.applyService(
        lbService('web', { ports: [{ name: 'dns', port: 53, nodePort: 30053, protocol: 'UDP' }] }),
      );
    });
    expect(h.calls.calls).toHaveLength(0);
    expect(condition(h, 'LoadBalancerProvisioned')).toMatchObject({
      status: 'False',
      reason: 'InvalidInput',
    });
  });

  it('a cloud error is the condition reason; lastTransitionTime moves when the status does', async () => {
    let fail = true;
    const cloud = new LocalCloud();
    cloud.beforeCall = (op) => {
      if (fail && op === 'CreateListener') throw new LbctlError('terminal', 'quota exceeded');
    };
    const h = await started({ cloud }, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    expect(condition(h, 'LoadBalancerProvisioned')).toMatchObject({
      status: 'False',
      reason: 'CloudError',
      message: 'local_listener.http: error creating: quota exceeded',
    });
    const first = condition(h, 'LoadBalancerProvisioned')?.lastTransitionTime;
    fail = false;
    await h.clock.advance(60_000);
    await h.settle();
    const ok = condition(h, 'LoadBalancerProvisioned');
    expect(ok).toMatchObject({ status: 'True', reason: 'Provisioned' });
    expect(ok?.lastTransitionTime).not.toBe(first);
  });
});

describe('lbctl run --dry-run and --drift=report', () => {
  it('dry run: no cloud write, no status, no finalizer; the plan as a Normal Event and a metric', async () => {
    const h = await started({ policy: { dryRun: true } }, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    expect(h.writes()).toBe(0);
    expect(h.reads()).toBeGreaterThan(0);
    expect(h.cluster.writes.patchServiceStatus).toBe(0);
    expect(h.cluster.writes.updateService).toBe(0);
    const svc = h.cluster.service('default/web');
    expect(svc?.metadata.finalizers ?? []).toEqual([]);
    expect(h.cluster.events).toHaveLength(1);
    expect(h.cluster.events[0]).toMatchObject({ type: 'Normal', reason: 'DryRunPlan' });
    expect(h.cluster.events[0]?.message).toMatch(
      /^Dry run, nothing changed: Plan: 3 to add, 0 to change, 0 to destroy\. create local_lb\.this \(not in the cloud yet\); /,
    );
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).toContain('lbctl_pending_changes{action="create"} 3');
    expect(metrics).toContain('lbctl_pending_changes{action="delete"} 0');
  });

  it('--drift=report reports drift and leaves the cloud as it is', async () => {
    const h = await started({ verifyIntervalMs: 60_000, policy: { drift: 'report' } }, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    const ts = h.cloud.list().find((r) => r.type === 'local_target_set');
    await h.cloud.changeMembers({
      id: ts?.id ?? '',
      attribute: 'members',
      add: [],
      remove: ['local://n2'],
    });
    h.calls.reset();
    await h.clock.advance(70_000);
    await h.settle();
    expect(h.writes()).toBe(0);
    const drift = h.cluster.events.find((e) => e.reason === 'LoadBalancerDrift');
    expect(drift?.message).toMatch(/^Drift detected, not repaired \(--drift=report\): /);
    const after = h.cloud.list().find((r) => r.type === 'local_target_set');
    expect(after?.attributes['members']).toEqual(['local://n1', 'local://n3']);
    // A change of the Service itself is still applied.
    h.cluster.applyService(
      lbService('web', { ports: [{ name: 'http', port: 8080, nodePort: 30080 }] }),
    );
    await h.settle();
    expect(h.writes()).toBeGreaterThan(0);
  });
});
