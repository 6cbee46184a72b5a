import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../providers/aws/classify.js';
import { createClients } from '../../providers/aws/clients.js';
import { seededRandom, startFaultProxy, type FaultKind } from '../support/fault-proxy.js';
import { startMoto, useMoto } from '../support/moto.js';
import { TEST_ENV } from './harness.js';

const moto = useMoto();
const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(opened.map((o) => o.close()));
});

describe('moto harness', () => {
  it('fails with the install hint when moto cannot start', async () => {
    await expect(
      startMoto({ python: 'python3-that-does-not-exist', timeoutMs: 5000 }),
    ).rejects.toThrow("install it with `pip install 'moto[server]'`");
  });

  it('reset clears what a test created', async () => {
    const c = createClients(
      { endpoint: moto().endpoint, region: 'us-east-1', rates: {} },
      { env: TEST_ENV },
    );
    const { CreateVpcCommand, DescribeVpcsCommand } = await import('@aws-sdk/client-ec2');
    const before = (await c.ec2.send(new DescribeVpcsCommand({}))).Vpcs?.length ?? 0;
    await c.ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    await moto().reset();
    expect((await c.ec2.send(new DescribeVpcsCommand({}))).Vpcs?.length ?? 0).toBe(before);
  });
});

describe('fault proxy', () => {
  it.each([
    ['throttle', 'throttled', 'Throttling: Rate exceeded'],
    ['5xx', 'transient', 'ServiceUnavailable'],
    ['reset', 'transient', 'socket hang up'],
    ['reset-after', 'transient', 'socket hang up'],
  ] as [FaultKind, string, string][])(
    '%s reaches the SDK as AWS would send it (%s)',
    async (kind, expected, text) => {
      const proxy = await startFaultProxy({ target: moto().endpoint, rate: 1, kinds: [kind] });
      opened.push(proxy);
      const c = createClients(
        { endpoint: proxy.endpoint, region: 'us-east-1', rates: {} },
        { env: TEST_ENV },
      );
      const error = await c.elb.send(new DescribeLoadBalancersCommand({})).then(
        () => undefined,
        (e: unknown) => e,
      );
      const classified = classifyAwsError(error);
      expect(classified.kind).toBe(expected);
      expect(classified.message).toContain(text);
      expect(proxy.stats[kind]).toBe(1);
    },
  );

  it('fails the configured share of calls, reproducibly for a seed', async () => {
    const runs: number[] = [];
    for (let round = 0; round < 2; round++) {
      const proxy = await startFaultProxy({
        target: moto().endpoint,
        rate: 0.3,
        seed: 42,
        kinds: ['5xx'],
      });
      opened.push(proxy);
      const c = createClients(
        { endpoint: proxy.endpoint, region: 'us-east-1', rates: {} },
        { env: TEST_ENV },
      );
      for (let i = 0; i < 60; i++)
        await c.elb.send(new DescribeLoadBalancersCommand({})).catch(() => undefined);
      runs.push(proxy.stats['5xx']);
    }
    expect(runs[0]).toBe(runs[1]);
    expect(runs[0]).toBeGreaterThan(8);
    expect(runs[0]).toBeLessThan(30);
  });

  it('seededRandom is deterministic and within [0, 1)', () => {
    const a = seededRandom(3);
    const b = seededRandom(3);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
