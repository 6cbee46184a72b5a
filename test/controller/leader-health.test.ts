// What leader-election failures do to readiness and the log.
import { ApiException } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LeaderHealth } from '../../src/controller/leader-health.js';
import { kubeError } from '../../src/controller/kube.js';
import { ManualClock } from './support/clock.js';

function setup() {
  const lines: { level: number; msg: string; code?: string }[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (l: string) => void lines.push(JSON.parse(l) as (typeof lines)[number]) },
  );
  const clock = new ManualClock();
  const health = new LeaderHealth({ logger, clock, namespace: 'lbctl-system', name: 'lbctl' });
  return { lines, clock, health };
}

const apiError = (code: number, message: string) =>
  kubeError(
    new ApiException(code, 'HTTP error', JSON.stringify({ message }), {}),
    'create Lease lbctl-system/lbctl',
  );

describe('leader health', () => {
  it('a 403 means the replica can never lead: not ready, with the reason, at error', () => {
    const { lines, health } = setup();
    health.failed(apiError(403, 'leases.coordination.k8s.io is forbidden: User "x" cannot create'));
    expect(health.cannotLead()).toMatch(
      /access to the leader-election Lease lbctl-system\/lbctl is forbidden \(check the Role and RoleBinding\)/,
    );
    expect(lines).toEqual([expect.objectContaining({ level: 50, code: '403' })]);
  });

  it('a timeout or a 500 is logged at error but keeps the replica ready; repeats are logged once a minute', async () => {
    const { lines, clock, health } = setup();
    const e = apiError(500, 'etcdserver: request timed out');
    health.failed(e);
    health.failed(e);
    expect(health.cannotLead()).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'leader election attempt failed; retrying' });
    await clock.advance(60_000);
    health.failed(e);
    expect(lines).toHaveLength(2);
  });

  it('a later attempt that reaches the Lease makes the replica ready again', () => {
    const { lines, health } = setup();
    health.failed(apiError(404, 'namespaces "lbctl-system" not found'));
    expect(health.cannotLead()).toMatch(/does namespace lbctl-system exist\?/);
    health.succeeded();
    expect(health.cannotLead()).toBeUndefined();
    expect(lines.at(-1)).toMatchObject({ level: 30, msg: 'leader election works again' });
  });
});
