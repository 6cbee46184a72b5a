import { describe, expect, it } from 'vitest';
import { apply, type ApplyProgress } from '../../src/apply/index.js';
import { formatElapsed, formatProgress } from '../../src/apply/progress.js';
import { createCallLog } from '../../src/core/calls.js';
import { LbctlError } from '../../src/core/errors.js';
import type { Plan, PlannedAction, Step } from '../../src/core/plan.js';
import type { ExecuteRequest, Provider } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';

const service = { namespace: 'default', name: 'web', uid: 'u-1' };

const res = (
  address: string,
  attributes: Resource['attributes'],
  dependsOn: string[] = [],
  id?: string,
): Resource => {
  const [type = '', name = ''] = address.split('.');
  return { type, name, attributes, dependsOn, ...(id === undefined ? {} : { id }) };
};

const step = (action: Step['action'], before?: Resource, after?: Resource): Step => ({
  address: addressOf((after ?? before)!),
  action,
  reason: 'test',
  ...(before === undefined ? {} : { before }),
  ...(after === undefined ? {} : { after }),
  changes: [],
  setDeltas: [],
  replacePaths: action === 'replace' ? [['scheme']] : [],
});

const planOf = (steps: Step[], order: PlannedAction[]): Plan => ({
  service,
  provider: 'aws',
  steps: [...steps].sort((a, b) => (a.address < b.address ? -1 : 1)),
  order,
});

/**
 * A tiny in-memory cloud. Creates resolve every dependency to a cloud ID from the state apply
 * passes in (and fail when one is missing), the way real providers turn addresses into ARNs.
 */
function memoryProvider(options: { failOn?: string; failWith?: unknown } = {}) {
  const cloud = new Map<string, Resource>();
  const requests: {
    action: string;
    address: string;
    before?: Resource;
    after?: Resource;
    stateKeys: string[];
  }[] = [];
  let nextId = 1;
  const provider: Provider = {
    name: 'aws',
    schemas: {},
    calls: createCallLog(),
    desired: () => [],
    ingress: () => [],
    observe: () => Promise.resolve([...cloud.values()]),
    sweep: () => Promise.resolve([]),
    execute(request: ExecuteRequest) {
      const { step: s, state } = request;
      requests.push({
        action: s.action,
        address: s.address,
        ...(s.before === undefined ? {} : { before: s.before }),
        ...(s.after === undefined ? {} : { after: s.after }),
        stateKeys: [...state.keys()].sort(),
      });
      if (options.failOn === s.address) {
        return Promise.reject(options.failWith ?? new LbctlError('terminal', 'quota exceeded'));
      }
      if (s.action === 'delete') {
        cloud.delete(s.before?.id ?? '');
        return Promise.resolve(undefined);
      }
      const after = s.after!;
      const refs = after.dependsOn.map((d) => {
        const id = state.get(d)?.id;
        if (id === undefined) throw new Error(`${s.address}: dependency ${d} has no id in state`);
        return id;
      });
      const id = s.action === 'update' ? s.before!.id! : `id-${nextId++}`;
      const created = { ...after, id, attributes: { ...after.attributes, refs } };
      cloud.set(id, created);
      return Promise.resolve(created);
    },
  };
  return { provider, cloud, requests };
}

const ctx = { clusterName: 'demo' };

describe('apply', () => {
  const lb = res('aws_lb.this', { scheme: 'internet-facing' });
  const tg = res('aws_lb_target_group.tcp-80', { port: 30080 });
  const listener = res('aws_lb_listener.tcp-80', { port: 80 }, [
    'aws_lb.this',
    'aws_lb_target_group.tcp-80',
  ]);

  it('executes creates in plan order, resolving dependencies from the state', async () => {
    const { provider, requests } = memoryProvider();
    const plan = planOf(
      [
        step('create', undefined, lb),
        step('create', undefined, tg),
        step('create', undefined, listener),
      ],
      [
        { address: 'aws_lb.this', action: 'create' },
        { address: 'aws_lb_target_group.tcp-80', action: 'create' },
        { address: 'aws_lb_listener.tcp-80', action: 'create' },
      ],
    );
    const result = await apply(plan, provider, { observed: [], ctx });
    expect(requests.map((r) => `${r.action} ${r.address}`)).toEqual([
      'create aws_lb.this',
      'create aws_lb_target_group.tcp-80',
      'create aws_lb_listener.tcp-80',
    ]);
    expect(requests[2]?.stateKeys).toEqual(['aws_lb.this', 'aws_lb_target_group.tcp-80']);
    expect(result.resources.map((r) => [addressOf(r), r.id, r.attributes['refs']])).toEqual([
      ['aws_lb.this', 'id-1', []],
      ['aws_lb_listener.tcp-80', 'id-3', ['id-1', 'id-2']],
      ['aws_lb_target_group.tcp-80', 'id-2', []],
    ]);
  });

  it('splits a replace into a delete with only before and a create with only after', async () => {
    const { provider, requests } = memoryProvider();
    const oldLb = { ...lb, id: 'old-lb', attributes: { scheme: 'internal' } };
    const oldListener = { ...listener, id: 'old-l' };
    const tgObserved = { ...tg, id: 'tg-1' };
    const plan = planOf(
      [
        step('replace', oldLb, lb),
        step('replace', oldListener, listener),
        step('no-op', tgObserved, tg),
      ],
      [
        { address: 'aws_lb_listener.tcp-80', action: 'delete' },
        { address: 'aws_lb.this', action: 'delete' },
        { address: 'aws_lb.this', action: 'create' },
        { address: 'aws_lb_listener.tcp-80', action: 'create' },
      ],
    );
    const result = await apply(plan, provider, { observed: [oldLb, oldListener, tgObserved], ctx });
    expect(
      requests.map((r) => [r.action, r.address, r.before?.id ?? null, r.after !== undefined]),
    ).toEqual([
      ['delete', 'aws_lb_listener.tcp-80', 'old-l', false],
      ['delete', 'aws_lb.this', 'old-lb', false],
      ['create', 'aws_lb.this', null, true],
      ['create', 'aws_lb_listener.tcp-80', null, true],
    ]);
    // the delete removed the old LB from state, so the listener's create saw only the new one
    expect(requests[1]?.stateKeys).toEqual(['aws_lb.this', 'aws_lb_target_group.tcp-80']);
    const listenerAfter = result.resources.find((r) => addressOf(r) === 'aws_lb_listener.tcp-80');
    expect(listenerAfter?.attributes['refs']).toEqual(['id-1', 'tg-1']);
  });

  it('passes update steps through with their before and keeps the id', async () => {
    const { provider, requests } = memoryProvider();
    const before = { ...tg, id: 'tg-1' };
    const after = res('aws_lb_target_group.tcp-80', { port: 30081 });
    const plan = planOf(
      [step('update', before, after)],
      [{ address: 'aws_lb_target_group.tcp-80', action: 'update' }],
    );
    const result = await apply(plan, provider, { observed: [before], ctx });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.before?.id).toBe('tg-1');
    expect(result.resources).toEqual([
      { ...after, id: 'tg-1', attributes: { port: 30081, refs: [] } },
    ]);
  });

  it('removes deleted resources from the final state', async () => {
    const { provider } = memoryProvider();
    const observed = [{ ...lb, id: 'lb-1' }];
    const plan = planOf(
      [step('delete', observed[0])],
      [{ address: 'aws_lb.this', action: 'delete' }],
    );
    expect((await apply(plan, provider, { observed, ctx })).resources).toEqual([]);
  });

  it('does nothing for a plan with an empty order', async () => {
    const { provider, requests } = memoryProvider();
    const observed = [{ ...lb, id: 'lb-1' }];
    const plan = planOf([step('no-op', observed[0], lb)], []);
    const result = await apply(plan, provider, { observed, ctx });
    expect(requests).toEqual([]);
    expect(result.resources).toEqual(observed);
  });

  it('emits start and done events with elapsed time and id', async () => {
    const { provider } = memoryProvider();
    let t = 1_000;
    const events: ApplyProgress[] = [];
    const plan = planOf(
      [step('create', undefined, lb)],
      [{ address: 'aws_lb.this', action: 'create' }],
    );
    await apply(plan, provider, {
      observed: [],
      ctx,
      now: () => (t += 1_500),
      onProgress: (e) => events.push(e),
    });
    expect(events).toEqual([
      { type: 'start', address: 'aws_lb.this', action: 'create' },
      { type: 'done', address: 'aws_lb.this', action: 'create', elapsedMs: 1_500, id: 'id-1' },
    ]);
  });

  it('stops at the first failure and throws it with the address, keeping kind and cause', async () => {
    const cause = new LbctlError('throttled', 'Rate exceeded', { retryAfterMs: 2_000 });
    const { provider, requests } = memoryProvider({
      failOn: 'aws_lb_target_group.tcp-80',
      failWith: cause,
    });
    const events: ApplyProgress[] = [];
    const plan = planOf(
      [
        step('create', undefined, lb),
        step('create', undefined, tg),
        step('create', undefined, listener),
      ],
      [
        { address: 'aws_lb.this', action: 'create' },
        { address: 'aws_lb_target_group.tcp-80', action: 'create' },
        { address: 'aws_lb_listener.tcp-80', action: 'create' },
      ],
    );
    const thrown = await apply(plan, provider, {
      observed: [],
      ctx,
      onProgress: (e) => events.push(e),
    }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(LbctlError);
    expect((thrown as LbctlError).message).toBe(
      'aws_lb_target_group.tcp-80: error creating: Rate exceeded',
    );
    expect((thrown as LbctlError).kind).toBe('throttled');
    expect((thrown as LbctlError).retryAfterMs).toBe(2_000);
    expect((thrown as LbctlError).cause).toBe(cause);
    expect(requests).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'failed', address: 'aws_lb_target_group.tcp-80' });
  });

  it('wraps a non-LbctlError failure as transient with the cause kept', async () => {
    const cause = new Error('socket hang up');
    const { provider } = memoryProvider({ failOn: 'aws_lb.this', failWith: cause });
    const plan = planOf(
      [step('delete', { ...lb, id: 'x' })],
      [{ address: 'aws_lb.this', action: 'delete' }],
    );
    const thrown = (await apply(plan, provider, { observed: [], ctx }).catch(
      (e: unknown) => e,
    )) as LbctlError;
    expect(thrown.message).toBe('aws_lb.this: error destroying: socket hang up');
    expect(thrown.kind).toBe('transient');
    expect(thrown.cause).toBe(cause);
  });

  it('refuses an order that names a missing step or the wrong action', async () => {
    const { provider, requests } = memoryProvider();
    const missingStep = planOf([], [{ address: 'aws_lb.this', action: 'create' }]);
    await expect(apply(missingStep, provider, { observed: [], ctx })).rejects.toThrow(
      /aws_lb.this: the plan's order names a step the plan does not have/,
    );
    const wrong = planOf(
      [step('create', undefined, lb)],
      [{ address: 'aws_lb.this', action: 'delete' }],
    );
    await expect(apply(wrong, provider, { observed: [], ctx })).rejects.toThrow(
      /orders a delete for a create step/,
    );
    expect(requests).toEqual([]);
  });

  it('finishes the step in flight on a graceful stop, then stops before the next', async () => {
    const { provider, requests } = memoryProvider();
    const stop = new AbortController();
    const plan = planOf(
      [step('create', undefined, lb), step('create', undefined, tg)],
      [
        { address: 'aws_lb.this', action: 'create' },
        { address: 'aws_lb_target_group.tcp-80', action: 'create' },
      ],
    );
    const events: ApplyProgress[] = [];
    const run = apply(plan, provider, {
      observed: [],
      ctx,
      stop: stop.signal,
      onProgress: (e) => {
        events.push(e);
        if (e.type === 'start') stop.abort(new Error('interrupt'));
      },
    });
    await expect(run).rejects.toThrow(
      'apply stopped before aws_lb_target_group.tcp-80 (1 of 2 steps done for Service default/web); run it again to finish',
    );
    expect(requests.map((r) => r.address)).toEqual(['aws_lb.this']);
    expect(events.map((e) => e.type)).toEqual(['start', 'done']);
  });

  it('stops before the next step when the context is aborted', async () => {
    const { provider, requests } = memoryProvider();
    const controller = new AbortController();
    controller.abort(new Error('shutdown'));
    const plan = planOf(
      [step('create', undefined, lb)],
      [{ address: 'aws_lb.this', action: 'create' }],
    );
    await expect(
      apply(plan, provider, { observed: [], ctx: { ...ctx, signal: controller.signal } }),
    ).rejects.toThrow('aws_lb.this: error creating: shutdown');
    expect(requests).toEqual([]);
  });
});

describe('formatProgress', () => {
  it.each<[ApplyProgress, string | undefined, string]>([
    [
      { type: 'start', address: 'aws_lb.this', action: 'create' },
      undefined,
      'aws_lb.this: Creating...',
    ],
    [
      { type: 'start', address: 'aws_lb.this', action: 'delete' },
      'arn:1',
      'aws_lb.this: Destroying... [id=arn:1]',
    ],
    [
      { type: 'start', address: 'aws_lb.this', action: 'update' },
      'arn:1',
      'aws_lb.this: Modifying... [id=arn:1]',
    ],
    [
      { type: 'done', address: 'aws_lb.this', action: 'create', elapsedMs: 2_400, id: 'arn:1' },
      undefined,
      'aws_lb.this: Creation complete after 2s [id=arn:1]',
    ],
    [
      { type: 'done', address: 'aws_lb.this', action: 'delete', elapsedMs: 65_000 },
      undefined,
      'aws_lb.this: Destruction complete after 1m5s',
    ],
    [
      {
        type: 'failed',
        address: 'aws_lb.this',
        action: 'update',
        elapsedMs: 0,
        error: new Error('x'),
      },
      undefined,
      'aws_lb.this: Modification failed after 0s',
    ],
  ])('formats %o', (event, id, line) => {
    expect(formatProgress(event, id)).toBe(line);
  });

  it('rounds elapsed time to seconds', () => {
    expect([formatElapsed(499), formatElapsed(500), formatElapsed(3_600_000)]).toEqual([
      '0s',
      '1s',
      '60m0s',
    ]);
  });
});
