// `npm run bench aws`: AWS call counts for one 2-port Service (create, no-op, +1 node, delete)
// and the wall time of applying 10 Services, against a moto server this benchmark starts.
import { createCallLog } from '../../src/core/calls.js';
import type { CallLog } from '../../src/core/provider.js';
import { connectAws } from '../../providers/aws/provider.js';
import { createClients } from '../../providers/aws/clients.js';
import { intent } from '../aws/fixtures.js';
import { seedNetwork } from '../aws/network.js';
import { converge, reconcileOnce } from '../contract/reconcile.js';
import { startMoto } from '../support/moto.js';

const ENV = { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };
const CLUSTER = 'bench';

function summary(calls: CallLog): string {
  const ops = new Map<string, number>();
  for (const c of calls.calls) ops.set(c.operation, (ops.get(c.operation) ?? 0) + 1);
  const detail = [...ops]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([op, n]) => `${op}×${n}`)
    .join(', ');
  return `${calls.count()} calls (${calls.count({ write: true })} writes, ${calls.count({ write: false })} reads): ${detail}`;
}

export default async function bench(): Promise<void> {
  const moto = await startMoto();
  try {
    const direct = createClients(
      { endpoint: moto.endpoint, region: 'us-east-1', rates: {} },
      { env: ENV },
    );
    const net = await seedNetwork(direct.ec2, { nodes: 3, clusterName: CLUSTER });
    const values = {
      endpoint: moto.endpoint,
      region: 'us-east-1',
      'vpc-id': net.vpcId,
      'security-group': net.nodeSecurityGroup,
    };
    const calls = createCallLog();
    const provider = connectAws({ clusterName: CLUSTER, values, env: ENV }, { calls });
    const web = intent({ clusterName: CLUSTER, targets: net.nodes.slice(0, 2) });
    const step = async (label: string, i: typeof web | undefined) => {
      calls.reset();
      const started = performance.now();
      await reconcileOnce(provider, CLUSTER, web.service, i);
      process.stdout.write(
        `${label.padEnd(28)} ${(performance.now() - started).toFixed(0).padStart(5)} ms  ${summary(calls)}\n`,
      );
    };
    process.stdout.write(
      'One 2-port Service, 2 nodes, nodes security group configured (observe + plan + apply):\n',
    );
    await step('create', web);
    await step('no-op', web);
    await step('+1 node', { ...web, targets: net.nodes.slice(0, 3) });
    await step('delete', undefined);

    const unlimited = connectAws(
      { clusterName: CLUSTER, values, env: ENV },
      {
        calls,
        limits: Object.fromEntries(
          ['describe', 'mutate', 'register', 'ec2-describe', 'ec2-mutate'].map((c) => [
            c,
            { rate: 10_000, burst: 10_000 },
          ]),
        ),
      },
    );
    for (const [label, p, parallel] of [
      ['default AWS rate limits, in parallel', provider, true],
      ['default AWS rate limits, one after another', provider, false],
      ['rate limits lifted (moto alone), in parallel', unlimited, true],
    ] as const) {
      const services = Array.from({ length: 10 }, (_, i) => ({
        namespace: 'bench',
        name: `svc-${i}`,
        uid: `${String(i + 1).padStart(8, '0')}-1111-4000-8000-000000000000`,
      }));
      calls.reset();
      const started = performance.now();
      const run = (i: number) => {
        const s = services[i];
        return s === undefined
          ? Promise.resolve(0)
          : converge(
              p,
              CLUSTER,
              s,
              intent({ service: s, clusterName: CLUSTER, targets: net.nodes }),
            );
      };
      if (parallel) await Promise.all(services.map((_, i) => run(i)));
      else for (let i = 0; i < services.length; i++) await run(i);
      const ms = performance.now() - started;
      process.stdout.write(
        `10 Services × 2 ports × 3 nodes, ${label}: ${ms.toFixed(0)} ms, ${calls.count()} calls (${calls.count({ write: true })} writes)\n`,
      );
      await Promise.all(services.map((s) => converge(p, CLUSTER, s, undefined)));
    }
    direct.elb.destroy();
    direct.ec2.destroy();
  } finally {
    await moto.stop();
  }
}
