// `npm run bench scale-aws`: what one Service's no-op reconcile and the cluster-wide ownership
// sweep cost as the account grows (issue 9), through the real adapter against a moto server this
// benchmark starts, with the client limits at AWS's published ELBv2/EC2 rates (DEFAULT_LIMITS).
// The other load balancers are made straight through the SDK, tagged as lbctl tags them (each
// an NLB with two listeners and two target groups), so that seeding 500 stays under a minute.
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { createCallLog } from '../../src/core/calls.js';
import type { CallLog } from '../../src/core/provider.js';
import { ownershipTags } from '../../src/core/tags.js';
import { createClients, destroyClients } from '../../providers/aws/clients.js';
import { loadBalancerName, targetGroupName } from '../../providers/aws/names.js';
import { connectAws, DEFAULT_LIMITS } from '../../providers/aws/provider.js';
import { toSdkTags } from '../../providers/aws/tags.js';
import { intent } from '../aws/fixtures.js';
import { seedNetwork, type TestNetwork } from '../aws/network.js';
import { converge, reconcileOnce } from '../contract/reconcile.js';
import { startMoto } from '../support/moto.js';

const ENV = { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };
const CLUSTER = 'bench';
const KS = [10, 100, 500];

function byOperation(calls: CallLog): string {
  const ops = new Map<string, number>();
  for (const c of calls.calls) ops.set(c.operation, (ops.get(c.operation) ?? 0) + 1);
  return [...ops]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([op, n]) => `${op}×${n}`)
    .join(', ');
}

/** Another Service's load balancer as lbctl makes it: NLB, two target groups, two listeners, all tagged. */
async function seedOther(
  elb: ElasticLoadBalancingV2Client,
  net: TestNetwork,
  i: number,
): Promise<void> {
  const service = {
    namespace: 'others',
    name: `svc-${i}`,
    uid: `${String(i + 1).padStart(8, '0')}-4444-4000-8000-000000000000`,
  };
  const tags = (address: string) => toSdkTags(ownershipTags(CLUSTER, service, address));
  const lb = await elb.send(
    new CreateLoadBalancerCommand({
      Name: loadBalancerName(service),
      Type: 'network',
      Subnets: net.subnets,
      Tags: tags('aws_lb.this'),
    }),
  );
  const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  for (const [name, port, nodePort] of [
    ['http', 80, 30080],
    ['https', 443, 30443],
  ] as const) {
    const tg = await elb.send(
      new CreateTargetGroupCommand({
        Name: targetGroupName(service, { name, protocol: 'TCP', nodePort }),
        Protocol: 'TCP',
        Port: nodePort,
        VpcId: net.vpcId,
        TargetType: 'instance',
        Tags: tags(`aws_lb_target_group.${name}`),
      }),
    );
    const listener = await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: 'TCP',
        Port: port,
        DefaultActions: [
          { Type: 'forward', TargetGroupArn: tg.TargetGroups?.[0]?.TargetGroupArn ?? '' },
        ],
      }),
    );
    await elb.send(
      new AddTagsCommand({
        ResourceArns: [listener.Listeners?.[0]?.ListenerArn ?? ''],
        Tags: tags(`aws_lb_listener.${name}`),
      }),
    );
  }
}

export default async function bench(): Promise<void> {
  const moto = await startMoto();
  const direct = createClients(
    { endpoint: moto.endpoint, region: 'us-east-1', rates: {} },
    { env: ENV },
  );
  try {
    const net = await seedNetwork(direct.ec2, { nodes: 3, clusterName: CLUSTER });
    const calls = createCallLog();
    const provider = connectAws(
      {
        clusterName: CLUSTER,
        values: {
          endpoint: moto.endpoint,
          region: 'us-east-1',
          'vpc-id': net.vpcId,
          'security-group': net.nodeSecurityGroup,
        },
        env: ENV,
      },
      { calls, limits: DEFAULT_LIMITS },
    );
    const web = intent({ clusterName: CLUSTER, targets: net.nodes.slice(0, 2) });
    await converge(provider, CLUSTER, web.service, web);
    process.stdout.write(
      `client limits: ${Object.entries(DEFAULT_LIMITS)
        .map(([c, l]) => `${c} ${l.rate}/s burst ${l.burst}`)
        .join(', ')}\n`,
    );
    process.stdout.write(
      'K other NLBs | no-op reconcile of one 2-port Service      | ownership sweep\n',
    );
    let seeded = 0;
    const reads: number[] = [];
    for (const k of KS) {
      const started = performance.now();
      // One at a time: moto answers some concurrent creates with HTTP 500.
      for (; seeded < k; seeded++) await seedOther(direct.elb, net, seeded);
      const seedMs = performance.now() - started;
      calls.reset();
      let t = performance.now();
      await reconcileOnce(provider, CLUSTER, web.service, web);
      const noOpMs = performance.now() - t;
      const noOp = { reads: calls.count({ write: false }), writes: calls.count({ write: true }) };
      const noOpOps = byOperation(calls);
      reads.push(noOp.reads);
      calls.reset();
      // Wait for the describe bucket to refill, so the sweep starts as a rare periodic job would.
      await new Promise((r) => setTimeout(r, 4_000));
      t = performance.now();
      const swept = await provider.sweep({ clusterName: CLUSTER });
      const sweepMs = performance.now() - t;
      const sweepCalls = calls.count();
      process.stdout.write(
        `${String(k).padStart(12)} | ${String(noOp.reads).padStart(3)} reads, ${noOp.writes} writes, ${noOpMs.toFixed(0).padStart(5)} ms | ` +
          `${swept.length} resources, ${sweepCalls} calls (${((sweepCalls / swept.length) * 1000).toFixed(0)} per 1,000 resources), ${(sweepMs / 1000).toFixed(1)} s  [seeded in ${(seedMs / 1000).toFixed(1)} s]\n`,
      );
      process.stdout.write(`${' '.repeat(12)}   no-op: ${noOpOps}\n`);
      process.stdout.write(`${' '.repeat(12)}   sweep: ${byOperation(calls)}\n`);
    }
    const flat = reads.every((r) => r === reads[0]);
    process.stdout.write(
      `no-op reads for K = ${KS.join(', ')}: ${reads.join(', ')} — ${flat ? 'equal' : 'NOT EQUAL'}\n`,
    );
    if (!flat) process.exitCode = 1;
  } finally {
    destroyClients(direct);
    await moto.stop();
  }
}
