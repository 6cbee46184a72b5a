import { describe, expect, it } from 'vitest';
import type { KubeApi } from '../../src/controller/kube.js';
import { LeaderElector } from '../../src/controller/leader.js';
import { ManualClock } from './support/clock.js';
import { leaseStore } from './support/leases.js';

function candidate(
  identity: string,
  clock: ManualClock,
  api: Pick<KubeApi, 'getLease' | 'createLease' | 'updateLease'>,
) {
  const log: string[] = [];
  const e = new LeaderElector({
    api,
    namespace: 'lbctl-system',
    name: 'lbctl',
    identity,
    clock,
    random: () => 0,
    onStartedLeading: () => log.push('started'),
    onStoppedLeading: () => log.push('stopped'),
  });
  const done = e.run();
  return { e, log, done };
}

describe('LeaderElector', () => {
  it('one candidate leads; the other waits', async () => {
    const clock = new ManualClock();
    const store = leaseStore();
    const a = candidate('a', clock, store);
    await clock.advance(0);
    const b = candidate('b', clock, store);
    await clock.advance(10_000);
    expect(a.e.isLeader()).toBe(true);
    expect(b.e.isLeader()).toBe(false);
    expect(store.current()?.holderIdentity).toBe('a');
    expect(b.e.holder()).toBe('a');
  });

  it('a graceful stop releases the lease and the other takes over within one retry period', async () => {
    const clock = new ManualClock();
    const store = leaseStore();
    const a = candidate('a', clock, store);
    await clock.advance(0);
    const b = candidate('b', clock, store);
    await clock.advance(5_000);
    await a.e.stop();
    await a.done;
    expect(store.current()?.holderIdentity).toBe('');
    await clock.advance(2_000);
    expect(b.e.isLeader()).toBe(true);
    expect(store.current()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(a.log).toEqual(['started', 'stopped']);
  });

  it('a crashed leader is replaced once the lease duration has passed on the candidate clock', async () => {
    const clock = new ManualClock();
    const store = leaseStore();
    let dead = false;
    const hang = <T>(f: () => Promise<T>) => (dead ? new Promise<T>(() => {}) : f());
    const a = candidate('a', clock, {
      getLease: (ns, n) => hang(() => store.getLease(ns, n)),
      createLease: (l) => hang(() => store.createLease(l)),
      updateLease: (l) => hang(() => store.updateLease(l)),
    });
    await clock.advance(0);
    expect(a.e.isLeader()).toBe(true);
    dead = true;
    const b = candidate('b', clock, store);
    await clock.advance(14_000);
    expect(b.e.isLeader()).toBe(false);
    await clock.advance(4_000);
    expect(b.e.isLeader()).toBe(true);
    expect(store.current()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('gives up leadership when it cannot renew within the renew deadline', async () => {
    const clock = new ManualClock();
    const store = leaseStore();
    const a = candidate('a', clock, store);
    await clock.advance(0);
    expect(a.e.isLeader()).toBe(true);
    store.down = true;
    await clock.advance(9_000);
    expect(a.log).toEqual(['started']);
    await clock.advance(4_000);
    expect(a.log).toEqual(['started', 'stopped']);
    expect(a.e.isLeader()).toBe(false);
    await a.done;
  });

  it('rejects timings that cannot work', () => {
    expect(
      () =>
        new LeaderElector({
          api: leaseStore(),
          namespace: 'n',
          name: 'l',
          identity: 'a',
          clock: new ManualClock(),
          leaseDurationMs: 5_000,
          renewDeadlineMs: 10_000,
          onStartedLeading: () => {},
          onStoppedLeading: () => {},
        }),
    ).toThrow(/leaseDuration > renewDeadline/);
  });
});
