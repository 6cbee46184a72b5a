import { describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { Provider } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import type { Step } from '../../src/core/plan.js';
import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { NotOwnedError } from '../../src/core/errors.js';
import { connectAws } from '../../providers/aws/provider.js';
import { useMoto } from '../support/moto.js';
import { intent } from './fixtures.js';
import { seedNetwork, type TestNetwork } from './network.js';

const moto = useMoto();
const ORDER = [
  'aws_security_group',
  'aws_lb_target_group',
  'aws_lb',
  'aws_lb_listener',
  'aws_vpc_security_group_ingress_rule',
];
const rank = (r: Resource) => ORDER.indexOf(r.type);
const step = (
  action: Step['action'],
  before: Resource | undefined,
  after: Resource | undefined,
): Step => ({
  address: addressOf((after ?? before) as Resource),
  action,
  reason: 'test',
  ...(before === undefined ? {} : { before }),
  ...(after === undefined ? {} : { after }),
  changes: [],
  setDeltas: [],
  replacePaths: [],
});

async function setup(nodes = 2) {
  const calls = createCallLog();
  const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  const bootstrap = connectAws(
    { clusterName: 'test', values: { endpoint: moto().endpoint, region: 'us-east-1' }, env },
    { calls: createCallLog() },
  );
  const net = await seedNetwork(bootstrap.clients.ec2, { nodes, clusterName: 'test' });
  const provider = connectAws(
    {
      clusterName: 'test',
      values: {
        endpoint: moto().endpoint,
        region: 'us-east-1',
        'vpc-id': net.vpcId,
        'security-group': net.nodeSecurityGroup,
      },
      env,
    },
    { calls, sleep: async () => {} },
  );
  return { provider, calls, net };
}

/** Creates every desired resource in dependency order, as a plan would. */
async function createAll(provider: Provider, desired: Resource[]): Promise<Map<string, Resource>> {
  const state = new Map<string, Resource>();
  for (const r of [...desired].sort((a, b) => rank(a) - rank(b))) {
    const out = await provider.execute(
      { step: step('create', undefined, r), state },
      { clusterName: 'test' },
    );
    if (out !== undefined) state.set(addressOf(out), out);
  }
  return state;
}

const COMPUTED = ['dns_name', 'zone_id', 'subnets', 'vpc_id'];
const comparable = (rs: readonly Resource[]) =>
  Object.fromEntries(
    [...rs]
      .map(
        (r) =>
          [
            addressOf(r),
            Object.fromEntries(Object.entries(r.attributes).filter(([k]) => !COMPUTED.includes(k))),
          ] as const,
      )
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

function intentFor(
  net: TestNetwork,
  overrides: Partial<LoadBalancerIntent> = {},
): LoadBalancerIntent {
  return intent({ targets: net.nodes, ...overrides });
}

describe('AWS provider against moto', () => {
  it('creates a 2-port Service; observe returns exactly the desired graph', async () => {
    const { provider, net } = await setup();
    const desired = provider.desired(intentFor(net));
    await createAll(provider, desired);
    const observed = await provider.observe(
      { service: intent().service, desired },
      { clusterName: 'test' },
    );
    expect(comparable(observed)).toEqual(comparable(desired));
    const lb = observed.find((r) => r.type === 'aws_lb');
    expect(lb?.attributes['dns_name']).toMatch(/elb\.amazonaws\.com$/);
    expect(lb?.attributes['subnets']).toEqual(net.subnets);
    expect(provider.ingress(observed)).toEqual([{ hostname: lb?.attributes['dns_name'] }]);
  });

  it('observing an existing 2-port Service reads its listeners’ tags in the same DescribeTags call', async () => {
    const { provider, calls, net } = await setup();
    const desired = provider.desired(intentFor(net));
    await createAll(provider, desired);
    calls.reset();
    const observed = await provider.observe(
      { service: intent().service, desired },
      { clusterName: 'test' },
    );
    expect(observed.filter((r) => r.type === 'aws_lb_listener')).toHaveLength(2);
    expect(calls.count({ operation: 'DescribeTags' })).toBe(1);
    expect(calls.count({ operation: 'DescribeListeners' })).toBe(1);
    expect(calls.count({ write: false })).toBe(11);
    expect(calls.count({ write: true })).toBe(0);
  });

  it('a create repeated after it went through adopts the existing resources, no duplicates', async () => {
    const { provider, net } = await setup();
    const desired = provider.desired(intentFor(net));
    const first = await createAll(provider, desired);
    const second = await createAll(provider, desired);
    for (const [address, r] of first) expect(second.get(address)?.id).toBe(r.id);
    const observed = await provider.observe(
      { service: intent().service, desired },
      { clusterName: 'test' },
    );
    expect(observed.map(addressOf).sort()).toEqual(desired.map(addressOf).sort());
  });

  it('updates write only the difference: one RegisterTargets per target group for a new node', async () => {
    const { provider, calls, net } = await setup(3);
    const [a, b, c] = net.nodes;
    const desired = provider.desired(intentFor(net, { targets: [a!, b!] }));
    await createAll(provider, desired);
    const observed = await provider.observe(
      { service: intent().service, desired },
      { clusterName: 'test' },
    );
    const next = provider.desired(intentFor(net, { targets: [a!, b!, c!] }));
    calls.reset();
    const state = new Map(observed.map((r) => [addressOf(r), r]));
    for (const r of next.filter((x) => x.type === 'aws_lb_target_group')) {
      await provider.execute(
        { step: step('update', state.get(addressOf(r)), r), state },
        { clusterName: 'test' },
      );
    }
    expect(calls.count({ write: true })).toBe(2);
    expect(calls.count({ operation: 'RegisterTargets' })).toBe(2);
    const after = await provider.observe(
      { service: intent().service, desired: next },
      { clusterName: 'test' },
    );
    expect(comparable(after)).toEqual(comparable(next));
  });

  it('deletes in reverse order; deleting again succeeds; nothing tagged is left', async () => {
    const { provider, net } = await setup();
    const desired = provider.desired(intentFor(net));
    await createAll(provider, desired);
    const observed = await provider.observe(
      { service: intent().service, desired },
      { clusterName: 'test' },
    );
    const state = new Map(observed.map((r) => [addressOf(r), r]));
    const reverse = [...observed].sort((x, y) => rank(y) - rank(x));
    for (let round = 0; round < 2; round++) {
      for (const r of reverse)
        await provider.execute(
          { step: step('delete', r, undefined), state },
          { clusterName: 'test' },
        );
    }
    expect(
      await provider.observe({ service: intent().service, desired: [] }, { clusterName: 'test' }),
    ).toEqual([]);
  });

  it('registers targets in batches of at most 100', async () => {
    const { provider, calls, net } = await setup(150);
    const desired = provider.desired(
      intentFor(net, { listeners: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 }] }),
    );
    await createAll(provider, desired);
    expect(calls.count({ operation: 'RegisterTargets' })).toBe(2);
    const observed = await provider.observe(
      { service: intent().service, desired },
      { clusterName: 'test' },
    );
    const tg = observed.find((r) => r.type === 'aws_lb_target_group');
    expect(tg?.attributes['targets']).toHaveLength(150);
  });

  it('subnets named by their Name tag (annotation) resolve at create and observe as named', async () => {
    const { provider, net } = await setup();
    const desired = provider.desired(
      intentFor(net, { options: { aws: { subnets: ['lb-us-east-1b', 'lb-us-east-1a'] } } }),
    );
    await createAll(provider, desired);
    const observed = await provider.observe(
      { service: intent().service, desired },
      { clusterName: 'test' },
    );
    expect(observed.find((r) => r.type === 'aws_lb')?.attributes['subnets']).toEqual([
      'lb-us-east-1a',
      'lb-us-east-1b',
    ]);
    expect(comparable(observed)).toEqual(comparable(desired));
  });

  it('a foreign target group or security group with the name the Service needs is refused by name', async () => {
    const { provider, net } = await setup();
    const aws = provider as ReturnType<typeof connectAws>;
    const desired = provider.desired(intentFor(net));
    const tgName = String(
      desired.find((r) => r.type === 'aws_lb_target_group')?.attributes['name'],
    );
    await aws.clients.elb.send(
      new CreateTargetGroupCommand({ Name: tgName, Protocol: 'TCP', Port: 1, VpcId: net.vpcId }),
    );
    await expect(
      provider.observe({ service: intent().service, desired }, { clusterName: 'test' }),
    ).rejects.toThrow(`target group "${tgName}"`);
    await moto().reset();
    const again = await setup();
    const sgName = String(desired.find((r) => r.type === 'aws_security_group')?.attributes['name']);
    await again.provider.clients.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: sgName,
        Description: 'someone else',
        VpcId: again.net.vpcId,
      }),
    );
    const error = await again.provider
      .observe({ service: intent().service, desired }, { clusterName: 'test' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotOwnedError);
    expect((error as Error).message).toContain(`security group "${sgName}"`);
    expect(again.calls.count({ write: true })).toBe(0);
  });
});
