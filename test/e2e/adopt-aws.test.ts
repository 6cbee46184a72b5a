// Issue 12 #2 in the controller (`lbctl run --adopt`): the sandbox API server with the real
// kubectl, the AWS adapter on moto. A Service the in-tree provider served is taken over in
// place: the same NLB (ARN, DNS name) in its status, no NLB created; a controller without
// --adopt afterwards writes nothing.
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import type { Provider } from '../../src/core/provider.js';
import { clusterTagKey, SERVICE_NAME_TAG } from '../../src/core/tags.js';
import { adoptingProvider } from '../../src/pipeline/index.js';
import { createClients, type AwsClients } from '../../providers/aws/clients.js';
import { loadBalancerName } from '../../providers/aws/names.js';
import { connectAws } from '../../providers/aws/provider.js';
import { intent } from '../aws/fixtures.js';
import { inTreeNlb } from '../aws/in-tree.js';
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
  net = await seedNetwork(direct.ec2, { nodes: 2, clusterName: CLUSTER });
  env = await e2eEnv();
});
afterEach(async () => {
  await env.close();
});
afterAll(async () => {
  await moto.stop();
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

describe('lbctl run --adopt (sandbox + AWS on moto)', { timeout: 120_000 }, () => {
  it('takes over the in-tree NLB in place; a later controller without --adopt writes nothing', async () => {
    for (const n of net.nodes) await env.apply(nodeYaml(n.nodeName, n.providerID));
    await env.apply(serviceYaml('web'), 'create');
    const svc = JSON.parse(await env.kubectl('get', 'svc', 'web', '-o', 'json')) as {
      metadata: { uid: string };
      spec: { ports: { nodePort: number }[] };
    };
    const base = intent({ clusterName: CLUSTER });
    const listener = { ...base.listeners[0]!, name: 'http', port: 80 };
    const web = {
      ...base,
      service: { namespace: 'default', name: 'web', uid: svc.metadata.uid },
      listeners: [{ ...listener, nodePort: svc.spec.ports[0]!.nodePort }],
      targets: net.nodes.slice(0, 1),
    };
    const before = await inTreeNlb(direct.elb, net, web, [
      { Key: clusterTagKey(CLUSTER), Value: 'owned' },
      { Key: SERVICE_NAME_TAG, Value: 'default/web' },
    ]);

    const calls = createCallLog();
    const first = await env.startCtl({ provider: adoptingProvider(aws(calls)), calls });
    const host = await eventually(
      async () => (await env.getSvc('web')).status?.loadBalancer?.ingress?.[0]?.hostname,
      'a hostname',
      60_000,
    );
    expect(host).toBe(before.dns);
    expect(calls.count({ operation: 'CreateLoadBalancer' })).toBe(0);
    expect(calls.count({ operation: 'CreateTargetGroup' })).toBe(0);
    expect(calls.count({ operation: 'RegisterTargets' })).toBe(1);
    const lbs = (
      await direct.elb.send(
        new DescribeLoadBalancersCommand({ Names: [loadBalancerName(web.service)] }),
      )
    ).LoadBalancers;
    expect(lbs?.map((l) => l.LoadBalancerArn)).toEqual([before.arn]);
    await first.kill();

    const later = createCallLog();
    // A restart trusts the status it finds and verifies later: a short interval brings it on.
    await env.startCtl({ provider: aws(later), calls: later, verifyIntervalSeconds: 1 });
    await eventually(() => later.count({ write: false }) >= 11, 'a verification', 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(later.calls.filter((c) => c.write).map((c) => c.operation)).toEqual([]);
    const events = await env.kubectl('get', 'events', '--field-selector', 'type=Warning');
    expect(events).not.toContain('web');
  });
});
