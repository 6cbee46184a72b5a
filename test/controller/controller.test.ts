import { afterEach, describe, expect, it } from 'vitest';
import { nodeFingerprint } from '../../src/controller/node-fingerprint.js';
import { FINALIZER } from '../../src/controller/finalizer.js';
import { LbctlError } from '../../src/core/errors.js';
import { LocalCloud } from '../../providers/local/index.js';
import { lbService, node } from './support/fixtures.js';
import { harness } from './support/harness.js';
import { MemoryCluster } from './support/memory-cluster.js';

type H = ReturnType<typeof harness>;
const running: H[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.controller.stop();
});

async function started(
  options: Parameters<typeof harness>[0] = {},
  setup?: (c: MemoryCluster) => void,
) {
  const cluster = options.cluster ?? new MemoryCluster();
  if (setup) setup(cluster);
  const h = harness({ ...options, cluster });
  running.push(h);
  await h.start();
  return h;
}

const threeNodes = (c: MemoryCluster) => ['n1', 'n2', 'n3'].forEach((n) => c.setNode(node(n)));
const reasons = (h: H) => h.cluster.events.map((e) => e.reason);

describe('controller: ensure', () => {
  it('creates the load balancer, adds the finalizer before the first cloud write, writes status', async () => {
    const cloud = new LocalCloud();
    let finalizerAtFirstWrite: boolean | undefined;
    const cluster = new MemoryCluster();
    cloud.beforeCall = (op) => {
      if (op.startsWith('Create') && finalizerAtFirstWrite === undefined) {
        finalizerAtFirstWrite = (
          cluster.service('default/web')?.metadata.finalizers ?? []
        ).includes(FINALIZER);
      }
    };
    const h = await started({ cloud, cluster }, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    expect(finalizerAtFirstWrite).toBe(true);
    const svc = h.cluster.service('default/web');
    expect(svc?.status?.loadBalancer?.ingress).toEqual([
      { ip: '192.0.2.1', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] },
    ]);
    expect(svc?.metadata.finalizers).toEqual([FINALIZER]);
    expect(reasons(h)).toEqual(['EnsuringLoadBalancer', 'EnsuredLoadBalancer']);
    expect(h.cloud.list()).toHaveLength(3);
  });

  it('a second pass with nothing changed makes zero cloud writes and no API write', async () => {
    const h = await started({ verifyIntervalMs: 60_000 }, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    const apiWrites = { ...h.cluster.writes };
    h.calls.reset();
    await h.clock.advance(70_000);
    await h.settle();
    expect(h.reads()).toBeGreaterThan(0); // verification observed the cloud
    expect(h.writes()).toBe(0);
    expect(h.cluster.writes).toEqual(apiWrites);
  });

  it('ignores Services of other types and other classes', async () => {
    const h = await started({}, (c) => {
      threeNodes(c);
      c.applyService({
        ...lbService('plain'),
        spec: { ...lbService('plain').spec, type: 'ClusterIP' },
      });
      c.applyService(lbService('classy', { spec: { loadBalancerClass: 'example.com/other' } }));
    });
    expect(h.calls.calls).toHaveLength(0);
    expect(h.cluster.writes.updateService).toBe(0);
  });

  it('with --load-balancer-class, handles only that class', async () => {
    const h = await started({ loadBalancerClass: 'lbctl.io/local' }, (c) => {
      threeNodes(c);
      c.applyService(
        lbService('mine', { spec: { loadBalancerClass: 'lbctl.io/local' }, index: 1 }),
      );
      c.applyService(lbService('classless', { index: 2 }));
    });
    expect(h.cluster.service('default/mine')?.status?.loadBalancer?.ingress).toHaveLength(1);
    expect(h.cluster.service('default/classless')?.metadata.finalizers ?? []).toEqual([]);
  });

  it('invalid input: a Warning naming the field, no cloud call, no finalizer', async () => {
    const h = await started({}, (c) => {
      threeNodes(c);
      c.applyService(lbService('bad', { spec: { loadBalancerSourceRanges: ['10.0.0.0/33'] } }));
    });
    expect(h.calls.calls).toHaveLength(0);
    expect(h.cluster.events).toHaveLength(1);
    expect(h.cluster.events[0]).toMatchObject({
      type: 'Warning',
      reason: 'SyncLoadBalancerFailed',
    });
    expect(h.cluster.events[0]?.message).toContain('10.0.0.0/33');
    expect(h.cluster.service('default/bad')?.metadata.finalizers ?? []).toEqual([]);
  });
});

describe('controller: nodes', () => {
  async function twoServices() {
    return started({}, (c) => {
      threeNodes(c);
      c.applyService(lbService('a', { index: 1 }));
      c.applyService(
        lbService('b', {
          index: 2,
          ports: [
            { name: 'x', port: 80, nodePort: 31001 },
            { name: 'y', port: 443, nodePort: 31002 },
          ],
        }),
      );
    });
  }

  it('a new node registers it in every target set with no cloud reads', async () => {
    const h = await twoServices();
    h.calls.reset();
    h.cluster.setNode(node('n4'));
    await h.settle();
    expect(h.reads()).toBe(0);
    expect(h.ops().sort()).toEqual(['RegisterTargets', 'RegisterTargets', 'RegisterTargets']);
    expect(reasons(h).filter((r) => r === 'UpdatedLoadBalancer')).toHaveLength(2);
  });

  it('excluding and removing nodes deregisters them; an irrelevant node change does nothing', async () => {
    const h = await twoServices();
    h.calls.reset();
    h.cluster.setNode({
      ...node('n3'),
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    });
    await h.settle();
    expect(h.calls.calls).toHaveLength(0);
    h.cluster.setNode(
      node('n2', { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' } }),
    );
    await h.settle();
    expect(h.ops()).toEqual(['DeregisterTargets', 'DeregisterTargets', 'DeregisterTargets']);
    h.calls.reset();
    h.cluster.deleteNode('n3');
    await h.settle();
    expect(h.ops()).toEqual(['DeregisterTargets', 'DeregisterTargets', 'DeregisterTargets']);
    const sets = h.cloud.list().filter((r) => r.type === 'local_target_set');
    for (const s of sets) expect(s.attributes['members']).toEqual(['local://n1']);
  });
});

describe('nodeFingerprint', () => {
  it('changes with eligibility, providerID and addresses, not with readiness', () => {
    const base = node('n1');
    const fp = nodeFingerprint(base);
    expect(
      nodeFingerprint({
        ...base,
        status: { ...base.status, conditions: [{ type: 'Ready', status: 'False' }] },
      }),
    ).toBe(fp);
    expect(nodeFingerprint(node('n1', { providerID: 'local://other' }))).not.toBe(fp);
    expect(
      nodeFingerprint(
        node('n1', {
          labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' },
        }),
      ),
    ).not.toBe(fp);
    expect(
      nodeFingerprint({
        ...base,
        status: { addresses: [{ type: 'InternalIP', address: '10.9.9.9' }] },
      }),
    ).not.toBe(fp);
    expect(
      nodeFingerprint({
        ...base,
        spec: {
          ...base.spec,
          taints: [{ key: 'ToBeDeletedByClusterAutoscaler', effect: 'NoSchedule' }],
        },
      }),
    ).not.toBe(fp);
  });
});

describe('controller: changes and cleanup', () => {
  it('a port change updates the load balancer', async () => {
    const h = await started({}, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    h.calls.reset();
    h.cluster.applyService(
      lbService('web', { ports: [{ name: 'http', port: 8080, nodePort: 30001 }] }),
    );
    await h.settle();
    expect(h.writes()).toBeGreaterThan(0);
    const listener = h.cloud.list().find((r) => r.type === 'local_listener');
    expect(listener?.attributes['port']).toBe(8080);
  });

  it('type changed to ClusterIP: load balancer deleted, status cleared, finalizer removed', async () => {
    const h = await started({}, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    const svc = lbService('web');
    h.cluster.applyService({ ...svc, spec: { ...svc.spec, type: 'ClusterIP' } });
    await h.settle();
    expect(h.cloud.list()).toEqual([]);
    const now = h.cluster.service('default/web');
    expect(now?.status?.loadBalancer?.ingress).toBeUndefined();
    expect(now?.metadata.finalizers).toEqual([]);
    expect(reasons(h)).toContain('DeletedLoadBalancer');
  });

  it('a deleted Service goes only after its load balancer is gone', async () => {
    const h = await started({}, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    let goneBeforeCleanup = false;
    h.cluster.onService((e) => {
      if (e === 'delete' && h.cloud.list().length > 0) goneBeforeCleanup = true;
    });
    h.cluster.deleteService('default/web');
    await h.settle();
    expect(h.cluster.service('default/web')).toBeUndefined();
    expect(goneBeforeCleanup).toBe(false);
    expect(h.cloud.list()).toEqual([]);
    expect(reasons(h).slice(-2)).toEqual(['DeletingLoadBalancer', 'DeletedLoadBalancer']);
  });
});

describe('controller: drift, errors, restarts', () => {
  it('verification reports drift with the attribute diff, then repairs it', async () => {
    const h = await started({ verifyIntervalMs: 60_000 }, (c) => {
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
    await h.clock.advance(70_000);
    await h.settle();
    const drift = h.cluster.events.find((e) => e.reason === 'LoadBalancerDrift');
    expect(drift?.type).toBe('Warning');
    expect(drift?.message).toContain('local_target_set.http: members +"local://n2"');
    const repaired = h.cloud.list().find((r) => r.type === 'local_target_set');
    expect(repaired?.attributes['members']).toEqual(['local://n1', 'local://n2', 'local://n3']);
  });

  it('a failing cloud is retried with backoff until it converges', async () => {
    const cloud = new LocalCloud();
    let failures = 2;
    cloud.beforeCall = (op) => {
      if (op === 'CreateListener' && failures-- > 0)
        throw new LbctlError('transient', 'connection reset');
    };
    const h = await started({ cloud }, (c) => {
      threeNodes(c);
      c.applyService(lbService('web'));
    });
    expect(h.cluster.service('default/web')?.status?.loadBalancer?.ingress).toBeUndefined();
    expect(reasons(h)).toContain('SyncLoadBalancerFailed');
    await h.clock.advance(5_000);
    await h.settle();
    await h.clock.advance(10_000);
    await h.settle();
    expect(h.cluster.service('default/web')?.status?.loadBalancer?.ingress).toHaveLength(1);
    expect(cloud.list()).toHaveLength(3);
  });

  it('a restart on a converged cluster makes zero cloud writes and zero API writes', async () => {
    const cloud = new LocalCloud();
    const cluster = new MemoryCluster();
    const first = await started({ cloud, cluster }, (c) => {
      threeNodes(c);
      for (let i = 1; i <= 5; i++) c.applyService(lbService(`s${i}`, { index: i }));
    });
    await first.controller.stop();
    const apiWrites = { ...cluster.writes };
    const second = harness({ cloud, cluster });
    running.push(second);
    cluster.replay();
    await second.start();
    // Converged to their current spec: nothing is read at once, each is verified later.
    expect(second.reads()).toBe(0);
    await second.clock.advance(600_000);
    await second.settle();
    expect(second.writes()).toBe(0);
    expect(second.calls.count({ operation: 'DescribeResources' })).toBe(5);
    expect(cluster.writes).toEqual(apiWrites);
  });

  it('a crash between two cloud calls while creating converges after restart with no leak', async () => {
    const cloud = new LocalCloud();
    const cluster = new MemoryCluster();
    cloud.beforeCall = (op) => {
      if (op === 'CreateListener') return new Promise<never>(() => {}); // the process dies here
    };
    const first = harness({ cloud, cluster });
    threeNodes(cluster);
    cluster.applyService(lbService('web'));
    await first.start().catch(() => {});
    void first.controller.stop();
    expect(
      cloud
        .list()
        .map((r) => r.type)
        .sort(),
    ).toEqual(['local_lb', 'local_target_set']);
    cloud.beforeCall = undefined;
    const second = harness({ cloud, cluster });
    running.push(second);
    cluster.replay();
    await second.start();
    expect(cloud.list().filter((r) => r.type === 'local_lb')).toHaveLength(1);
    expect(cloud.list()).toHaveLength(3);
    expect(cluster.service('default/web')?.status?.loadBalancer?.ingress).toHaveLength(1);
  });

  it('a new Service is served before the verification of converged ones after a restart', async () => {
    const cloud = new LocalCloud();
    const cluster = new MemoryCluster();
    const first = await started({ cloud, cluster }, (c) => {
      threeNodes(c);
      for (let i = 1; i <= 20; i++) c.applyService(lbService(`s${i}`, { index: i }));
    });
    await first.controller.stop();
    const second = harness({ cloud, cluster, workers: 1 });
    running.push(second);
    cluster.replay();
    cluster.applyService(lbService('new', { index: 99 }));
    await second.start();
    const firstCreate = second.ops().indexOf('CreateLoadBalancer');
    expect(firstCreate).toBeGreaterThanOrEqual(0);
    expect(firstCreate).toBeLessThan(3);
  });
});
