// Issue 12 #2 through the command line, in process, on moto: `lbctl plan --adopt` shows the
// takeover of the in-tree NLB (updates only), `lbctl apply --adopt` carries it out without a
// new NLB, and afterwards an ordinary plan is a no-op.
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { clusterTagKey, SERVICE_NAME_TAG } from '../../src/core/tags.js';
import { nodeManifests, seedMotoNetwork } from '../../infra/aws/moto-seed.js';
import { createClients } from '../../providers/aws/clients.js';
import { loadBalancerName } from '../../providers/aws/names.js';
import { useMoto } from '../support/moto.js';
import { writeFiles } from '../cli/support.js';
import { intent, UID } from './fixtures.js';
import { inTreeNlb } from './in-tree.js';

const moto = useMoto();
const CLUSTER = 'demo';
const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

const service = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  uid: ${UID}
  annotations: { service.beta.kubernetes.io/aws-load-balancer-type: nlb }
spec:
  type: LoadBalancer
  selector: { app: web }
  ports:
  - { name: http, port: 80, targetPort: 8080, nodePort: 30080 }
  - { name: https, port: 443, targetPort: 8443, nodePort: 30443 }
`;

/** `lbctl ARGS` through main, stdout captured; the AWS keys only are in the environment. */
async function lbctl(...argv: string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(argv), stdout: out.join('') };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

async function inTreeSetup() {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const { ec2, elb } = createClients(
    { endpoint: moto().endpoint, region: 'us-east-1', rates: {} },
    { env },
  );
  const net = await seedMotoNetwork(ec2, { nodes: 2, clusterName: CLUSTER });
  const web = intent({ clusterName: CLUSTER });
  const before = await inTreeNlb(elb, net, { ...web, targets: net.nodes.slice(0, 1) }, [
    { Key: clusterTagKey(CLUSTER), Value: 'owned' },
    { Key: SERVICE_NAME_TAG, Value: 'default/web' },
  ]);
  const f = await writeFiles({ 'nodes.yaml': nodeManifests(net.nodes), 'web.yaml': service });
  const args = [
    ...['--provider', 'aws', '--cluster-name', CLUSTER, '--no-color'],
    ...['-f', f['nodes.yaml']!, '-f', f['web.yaml']!],
    ...['--set', `endpoint=${moto().endpoint}`, '--set', 'region=us-east-1'],
    ...['--set', `vpc-id=${net.vpcId}`, '--set', `security-group=${net.nodeSecurityGroup}`],
  ];

  return { args, before, elb, web };
}

describe('lbctl plan/apply --adopt (AWS, moto)', () => {
  it('takes the in-tree NLB over in place; the DNS name stays; then plan is a no-op', async () => {
    const { args, before, elb, web } = await inTreeSetup();
    // Without --adopt the in-tree NLB is refused, naming the flag.
    expect((await lbctl('plan', ...args)).code).toBe(1);

    const planned = await lbctl('plan', '--adopt', '--detailed-exitcode', ...args);
    expect(planned.code).toBe(2);
    expect(planned.stdout).toContain('Plan: 0 to add, 5 to change, 0 to destroy.');
    expect(planned.stdout).toContain('taken over in place');
    expect(planned.stdout).not.toMatch(/must be replaced|changes the Service's address/);

    const applied = await lbctl('apply', '--adopt', '--auto-approve', ...args);
    expect(applied.code).toBe(0);
    const after = (
      await elb.send(new DescribeLoadBalancersCommand({ Names: [loadBalancerName(web.service)] }))
    ).LoadBalancers;
    expect(after?.map((lb) => ({ arn: lb.LoadBalancerArn, dns: lb.DNSName }))).toEqual([before]);

    expect((await lbctl('plan', '--detailed-exitcode', ...args)).code).toBe(0);
    expect((await lbctl('plan', '--adopt', '--detailed-exitcode', ...args)).code).toBe(0);
  }, 120_000);

  it('a takeover saved with plan --adopt --out is applied by apply --adopt FILE', async () => {
    const { args, before, elb, web } = await inTreeSetup();
    const out = `${(await writeFiles({ x: '' }))['x']!}.plan`;
    expect((await lbctl('plan', '--adopt', '--out', out, ...args)).code).toBe(0);
    expect((await lbctl('apply', '--adopt', out)).code).toBe(0);
    const after = (
      await elb.send(new DescribeLoadBalancersCommand({ Names: [loadBalancerName(web.service)] }))
    ).LoadBalancers;
    expect(after?.map((lb) => ({ arn: lb.LoadBalancerArn, dns: lb.DNSName }))).toEqual([before]);
    expect((await lbctl('plan', '--detailed-exitcode', ...args)).code).toBe(0);
  }, 120_000);
});
