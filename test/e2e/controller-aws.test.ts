// End to end on AWS: the sandbox API server with the real kubectl, the controller, and the AWS
// adapter through the real SDK against moto.
import {
  DeregisterTargetsCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import type { Provider } from '../../src/core/provider.js';
import { clusterTagKey } from '../../src/core/tags.js';
import { createClients, type AwsClients } from '../../providers/aws/clients.js';
import { connectAws } from '../../providers/aws/provider.js';
import { seedNetwork, type TestNetwork } from '../aws/network.js';
import { startMoto, type Moto } from '../support/moto.js';
import { e2eEnv, eventually, nodeYaml, serviceYaml } from './support.js';

const CLUSTER = 'e2e';
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

let moto: Moto;
let direct: AwsClients;
let net: TestNetwork;
let env: Awaited<ReturnType<typeof e2eEnv>>;

beforeAll(async () => {
  moto = await startMoto();
  direct = createClients(
    { endpoint: moto.endpoint, region: 'us-east-1', rates: {} },
    { env: AWS_ENV },
  );
});
afterAll(async () => {
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  net = await seedNetwork(direct.ec2, { nodes: 4, clusterName: CLUSTER });
  env = await e2eEnv();
  for (const n of net.nodes.slice(0, 3)) await env.apply(nodeYaml(n.nodeName, n.providerID));
});
afterEach(async () => {
  await env.close();
});

function aws(calls: ReturnType<typeof createCallLog>): Provider {
  return connectAws(
    {
      clusterName: CLUSTER,
      values: {
        endpoint: moto.endpoint,
        region: 'us-east-1',
        'vpc-id': net.vpcId,
        'security-group': net.nodeSecurityGroup,
      },
      env: AWS_ENV,
    },
    { calls, sleep: async () => {}, requestTimeoutMs: 10_000 },
  );
}

/** Load balancers in moto that carry this cluster's ownership tag (read directly, not through lbctl). */
async function ownedLoadBalancers(): Promise<string[]> {
  const lbs = (await direct.elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
  if (lbs.length === 0) return [];
  const tags = await direct.elb.send(
    new DescribeTagsCommand({ ResourceArns: lbs.map((l) => l.LoadBalancerArn ?? '') }),
  );
  return (tags.TagDescriptions ?? [])
    .filter((d) => (d.Tags ?? []).some((t) => t.Key === clusterTagKey(CLUSTER)))
    .map((d) => d.ResourceArn ?? '');
}

const hostname = async (name: string) =>
  (await env.getSvc(name)).status?.loadBalancer?.ingress?.[0]?.hostname;

// Generous timeouts: moto and kubectl share two cores with the rest of the suite in CI.
describe('e2e (sandbox + AWS on moto)', { timeout: 120_000 }, () => {
  it('kubectl create → the NLB hostname under EXTERNAL-IP, events in describe; nodes change only registrations', async () => {
    const calls = createCallLog();
    await env.startCtl({ provider: aws(calls), calls });
    await env.apply(serviceYaml('web'), 'create');
    const host = await eventually(() => hostname('web'), 'a hostname', 30_000);
    expect(host).toMatch(/elb\.amazonaws\.com$/);
    const table = await env.kubectl('get', 'svc', 'web');
    expect(table).toContain(host);
    const described = await eventually(async () => {
      const d = await env.kubectl('describe', 'svc', 'web');
      return d.includes('EnsuredLoadBalancer') ? d : undefined;
    }, 'events in describe');
    expect(described).toContain(`LoadBalancer Ingress:     ${host}`);

    calls.reset();
    const fourth = net.nodes[3];
    if (fourth === undefined) throw new Error('no fourth node');
    await env.apply(nodeYaml(fourth.nodeName, fourth.providerID));
    await eventually(
      () =>
        calls.count({ write: true }) >= 1 && calls.count({ operation: 'RegisterTargets' }) === 1,
      'a registration',
    );
    await env.kubectl(
      'label',
      'node',
      'node-1',
      'node.kubernetes.io/exclude-from-external-load-balancers=true',
    );
    await eventually(
      () => calls.count({ operation: 'DeregisterTargets' }) === 1,
      'a deregistration',
    );
    expect(calls.calls.filter((c) => c.write).map((c) => c.operation)).toEqual([
      'RegisterTargets',
      'DeregisterTargets',
    ]);
    expect(calls.count({ write: false })).toBe(0);
  });

  it('type ClusterIP deletes the NLB, clears status, removes the finalizer; a restart then writes nothing', async () => {
    const calls = createCallLog();
    const first = await env.startCtl({ provider: aws(calls), calls });
    await env.apply(serviceYaml('web'));
    await env.apply(serviceYaml('keep'));
    await eventually(() => hostname('web'), 'a hostname', 30_000);
    await eventually(() => hostname('keep'), 'a hostname', 30_000);
    expect(await ownedLoadBalancers()).toHaveLength(2);
    await env.kubectl('patch', 'svc', 'web', '--type=merge', '-p', '{"spec":{"type":"ClusterIP"}}');
    await eventually(
      async () => {
        const s = await env.getSvc('web');
        return (
          (s.metadata.finalizers ?? []).length === 0 &&
          s.status?.loadBalancer?.ingress === undefined
        );
      },
      'cleanup',
      30_000,
    );
    expect(await ownedLoadBalancers()).toHaveLength(1);

    await first.stop();
    const again = createCallLog();
    // A restart verifies converged Services spread over the interval (issue 9): a short one
    // brings the verification of `keep` into the test's window.
    const second = await env.startCtl({
      provider: aws(again),
      calls: again,
      verifyIntervalSeconds: 3,
    });
    await eventually(
      () => again.count({ write: false }) > 0 && second.controller.isIdle(),
      'verification',
      30_000,
    );
    expect(again.count({ write: true })).toBe(0);
  });

  it(
    'a kill between two cloud calls while creating: after restart one NLB, no leak; delete waits for cleanup',
    { timeout: 90_000 },
    async () => {
      const calls = createCallLog();
      const real = aws(calls);
      let crashed = false;
      // The process dies after the load balancer and target group exist, before the listener.
      const dying: Provider = {
        ...real,
        execute: (req, ctx) => {
          if (req.step.action === 'create' && req.step.address.startsWith('aws_lb_listener.')) {
            crashed = true;
            return new Promise<never>(() => {});
          }
          return real.execute(req, ctx);
        },
      };
      const first = await env.startCtl({ provider: dying, calls });
      await env.apply(serviceYaml('web'), 'create');
      await eventually(() => crashed, 'the crash point', 30_000);
      await first.kill();
      expect(await ownedLoadBalancers()).toHaveLength(1);
      await env.startCtl({ provider: aws(calls), calls });
      await eventually(() => hostname('web'), 'a hostname after restart', 30_000);
      expect(await ownedLoadBalancers()).toHaveLength(1);
      await env.kubectl('delete', 'svc', 'web', '--timeout=30s');
      expect(await ownedLoadBalancers()).toEqual([]);
    },
  );

  it('drift: a target deregistered behind lbctl’s back is reported with the diff and repaired', async () => {
    const calls = createCallLog();
    await env.startCtl({ provider: aws(calls), calls, verifyIntervalSeconds: 1 });
    await env.apply(serviceYaml('web'), 'create');
    await eventually(() => hostname('web'), 'a hostname', 30_000);
    const group = ((await direct.elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ??
      [])[0];
    const registered = async () =>
      (
        (
          await direct.elb.send(
            new DescribeTargetHealthCommand({ TargetGroupArn: group?.TargetGroupArn }),
          )
        ).TargetHealthDescriptions ?? []
      ).length;
    expect(await registered()).toBe(3);
    const victim = net.nodes[1]?.providerID.split('/').pop() ?? '';
    await direct.elb.send(
      new DeregisterTargetsCommand({
        TargetGroupArn: group?.TargetGroupArn,
        Targets: [{ Id: victim, Port: group?.Port }],
      }),
    );
    expect(await registered()).toBe(2);
    // The drift Event is written before the repair is applied: once repaired, it is there.
    await eventually(async () => (await registered()) === 3, 'the repair', 60_000);
    const described = await env.kubectl('describe', 'svc', 'web');
    expect(described).toMatch(/Warning\s+LoadBalancerDrift/);
    expect(described).toContain(victim);
  });

  it('an invalid annotation: a Warning event and no cloud call', async () => {
    const calls = createCallLog();
    await env.startCtl({ provider: aws(calls), calls });
    await env.apply(
      serviceYaml('bad', {
        annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'sideways' },
      }),
      'create',
    );
    const described = await eventually(async () => {
      const d = await env.kubectl('describe', 'svc', 'bad');
      return d.includes('SyncLoadBalancerFailed') ? d : undefined;
    }, 'a Warning event');
    expect(described).toMatch(/Warning\s+SyncLoadBalancerFailed/);
    expect(described).toContain('aws-load-balancer-scheme');
    expect(calls.calls).toHaveLength(0);
  });
  it('a scheme change is a blocked replacement: the NLB is untouched and the condition names the field', async () => {
    const calls = createCallLog();
    await env.startCtl({ provider: aws(calls), calls });
    await env.apply(serviceYaml('web'), 'create');
    const host = await eventually(() => hostname('web'), 'a hostname', 30_000);
    const [arn] = await ownedLoadBalancers();
    calls.reset();
    await env.kubectl('annotate', 'svc', 'web', 'lbctl.io/scheme=internal');
    const svc = await eventually(
      async () => {
        const s = JSON.parse(await env.kubectl('get', 'svc', 'web', '-o', 'json')) as {
          status?: { conditions?: { type: string; reason: string; message: string }[] };
        };
        const c = s.status?.conditions?.find((x) => x.type === 'LoadBalancerProvisioned');
        return c?.reason === 'ReplacementBlocked' ? c : undefined;
      },
      'the ReplacementBlocked condition',
      30_000,
    );
    expect(svc.message).toContain('aws_lb.this.scheme: "internet-facing" -> "internal"');
    expect(calls.count({ write: true })).toBe(0);
    expect(await ownedLoadBalancers()).toEqual([arn]);
    expect(await hostname('web')).toBe(host);
  });
});
