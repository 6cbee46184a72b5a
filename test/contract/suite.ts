import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotOwnedError } from '../../src/core/errors.js';
import type { Target } from '../../src/core/intent.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { Provider } from '../../src/core/provider.js';
import { addressOf } from '../../src/core/resource.js';
import { apply } from '../../src/apply/index.js';
import { findOrphans, hasChanges, planOrphans } from '../../src/plan/index.js';
import type { ContractHarness } from './harness.js';
import { converge, planFor, reconcileOnce } from './reconcile.js';

export type { ContractHarness } from './harness.js';

const WEB: ServiceIdentity = {
  namespace: 'default',
  name: 'web',
  uid: '0b5c9a52-3d7e-4f21-9e68-1c2d3e4f5a6b',
};

const API: ServiceIdentity = {
  namespace: 'shop',
  name: 'api',
  uid: '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
};

const STRANGER: ServiceIdentity = {
  namespace: 'default',
  name: 'stranger',
  uid: '9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a',
};

const writes = (p: Provider) =>
  Object.fromEntries(
    [...new Set(p.calls.calls.filter((c) => c.write).map((c) => c.operation))]
      .sort()
      .map((op) => [op, p.calls.count({ operation: op, write: true })]),
  );

/**
 * The provider contract of DESIGN.md, for any cloud: create → observe equals desired → re-plan
 * is a no-op with zero writes → updates (nodes, ports, source ranges, health check, affinity)
 * touch only what changed → scheme change replaces → delete, and delete again, leave nothing →
 * a foreign resource with our name is refused and left alone → under injected faults many
 * Services still converge without leaks or duplicates.
 */
export function defineContractSuite(
  name: string,
  makeHarness: () => Promise<ContractHarness>,
): void {
  describe(`provider contract: ${name}`, () => {
    let h: ContractHarness;
    let nodes: Target[];
    let provider: Provider;
    const cluster = () => h.clusterName;

    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      ({ nodes } = await h.reset());
      provider = await h.connect();
    });

    const create = async (overrides = {}) => {
      const intent = h.intent(WEB, nodes.slice(0, 2), overrides);
      await converge(provider, cluster(), WEB, intent);
      provider.calls.reset();
      return intent;
    };

    it('create a 2-port Service: observe equals desired, and planning again writes nothing', async () => {
      const intent = h.intent(WEB, nodes.slice(0, 2));
      const first = await reconcileOnce(provider, cluster(), WEB, intent);
      expect(first.steps.every((s) => s.action === 'create')).toBe(true);
      const { plan, observed, desired } = await planFor(provider, cluster(), WEB, intent);
      expect(observed.map(addressOf).sort()).toEqual(desired.map(addressOf).sort());
      expect(observed.every((r) => typeof r.id === 'string' && r.id !== '')).toBe(true);
      expect(hasChanges(plan)).toBe(false);
      expect(provider.ingress(observed).length).toBeGreaterThan(0);

      provider.calls.reset();
      const again = await reconcileOnce(provider, cluster(), WEB, intent);
      expect(hasChanges(again)).toBe(false);
      expect(provider.calls.count({ write: true })).toBe(0);
      expect(provider.calls.count()).toBeGreaterThan(0);
    });

    it('adding a node registers exactly the delta', async () => {
      const intent = await create();
      const bigger = { ...intent, targets: nodes.slice(0, 3) };
      const p = await reconcileOnce(provider, cluster(), WEB, bigger);
      expect(p.steps.filter((s) => s.action !== 'no-op').every((s) => s.action === 'update')).toBe(
        true,
      );
      expect(writes(provider)).toEqual(
        h.targetWrites({ added: 1, removed: 0, listeners: intent.listeners.length }),
      );
      expect(hasChanges((await planFor(provider, cluster(), WEB, bigger)).plan)).toBe(false);
    });

    it('removing a node deregisters exactly the delta', async () => {
      const intent = await create();
      const smaller = { ...intent, targets: nodes.slice(0, 1) };
      await reconcileOnce(provider, cluster(), WEB, smaller);
      expect(writes(provider)).toEqual(
        h.targetWrites({ added: 0, removed: 1, listeners: intent.listeners.length }),
      );
      expect(hasChanges((await planFor(provider, cluster(), WEB, smaller)).plan)).toBe(false);
    });

    const inPlace: [
      string,
      (i: ReturnType<ContractHarness['intent']>) => Partial<ReturnType<ContractHarness['intent']>>,
    ][] = [
      [
        'a listener port',
        (i) => ({
          listeners: i.listeners.map((l, n) => (n === 0 ? { ...l, port: l.port + 8000 } : l)),
        }),
      ],
      ['source ranges', () => ({ sourceRanges: ['10.0.0.0/8', '192.168.0.0/16'] })],
      [
        'the health check',
        (i) => ({ healthCheck: { ...i.healthCheck, intervalSeconds: 30, healthyThreshold: 3 } }),
      ],
      [
        'session affinity',
        () => ({ sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 } as const }),
      ],
    ];
    it.each(inPlace)(
      'changing %s updates in place and touches nothing else',
      async (_what, change) => {
        const intent = await create();
        const next = { ...intent, ...change(intent) };
        const p = await reconcileOnce(provider, cluster(), WEB, next);
        const changed = p.steps.filter((s) => s.action !== 'no-op');
        expect(changed.length).toBeGreaterThan(0);
        expect(changed.map((s) => `${s.address} ${s.action}`)).toEqual(
          changed.map((s) => `${s.address} update`),
        );
        expect(provider.calls.count({ write: true })).toBeGreaterThan(0);
        expect(hasChanges((await planFor(provider, cluster(), WEB, next)).plan)).toBe(false);
      },
    );

    it('scheme external → internal is a replacement, shown as such', async () => {
      const intent = await create();
      const internal = { ...intent, scheme: 'internal' as const };
      const { plan } = await planFor(provider, cluster(), WEB, internal);
      const replaced = plan.steps.filter((s) => s.action === 'replace');
      expect(replaced.length).toBeGreaterThan(0);
      expect(replaced.some((s) => s.replacePaths.length > 0 && s.reason !== '')).toBe(true);
      await converge(provider, cluster(), WEB, internal);
      expect(hasChanges((await planFor(provider, cluster(), WEB, internal)).plan)).toBe(false);
      expect((await h.inventory()).filter((r) => r.startsWith(WEB.uid))).toHaveLength(
        (await planFor(provider, cluster(), WEB, internal)).desired.length,
      );
    });

    it('delete leaves nothing tagged; deleting again is a no-op without writes', async () => {
      await create();
      await reconcileOnce(provider, cluster(), WEB, undefined);
      expect(await h.inventory()).toEqual([]);
      expect((await planFor(provider, cluster(), WEB, undefined)).observed).toEqual([]);
      provider.calls.reset();
      const again = await reconcileOnce(provider, cluster(), WEB, undefined);
      expect(again.steps).toEqual([]);
      expect(provider.calls.count({ write: true })).toBe(0);
    });

    it('a foreign resource with the name the Service needs is refused by name and left alone', async () => {
      const foreign = await h.createForeign(WEB);
      const intent = h.intent(WEB, nodes.slice(0, 2));
      const error = await reconcileOnce(provider, cluster(), WEB, intent).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NotOwnedError);
      expect((error as Error).message).toContain(foreign);
      expect((error as Error).message).toMatch(/never changes or deletes it/);
      expect(provider.calls.count({ write: true })).toBe(0);
      expect(await h.foreignIntact(WEB)).toBe(true);
      // Deleting the Service does not touch it either.
      await expect(reconcileOnce(provider, cluster(), WEB, undefined)).rejects.toBeInstanceOf(
        NotOwnedError,
      );
      expect(await h.foreignIntact(WEB)).toBe(true);
    });

    it('the ownership sweep finds every tagged resource, and deleting the orphans of a vanished Service leaves the others alone', async () => {
      const web = h.intent(WEB, nodes.slice(0, 2));
      const api = h.intent(API, nodes.slice(0, 1));
      await converge(provider, cluster(), WEB, web);
      await converge(provider, cluster(), API, api);
      const foreign = await h.createForeign(STRANGER);
      provider.calls.reset();

      const swept = await provider.sweep({ clusterName: cluster() });
      expect(provider.calls.count({ write: true })).toBe(0);
      const owned = (uid: string) =>
        swept
          .filter((o) => o.service?.uid === uid)
          .map((o) => addressOf(o.resource))
          .sort();
      expect(owned(WEB.uid)).toEqual(provider.desired(web).map(addressOf).sort());
      expect(owned(API.uid)).toEqual(provider.desired(api).map(addressOf).sort());
      expect(swept.every((o) => o.resource.id !== undefined && o.resource.id !== '')).toBe(true);
      expect(JSON.stringify(swept)).not.toContain(foreign);

      // WEB vanished while lbctl was not running: its resources are orphans, API's are not.
      const live = new Map([[API.uid, new Set(provider.desired(api).map(addressOf))]]);
      const orphans = findOrphans(swept, live);
      expect(new Set(orphans.map((o) => o.service.uid))).toEqual(new Set([WEB.uid]));
      for (const p of planOrphans(orphans, provider)) {
        await apply(p, provider, {
          observed: orphans.map((o) => o.resource),
          ctx: { clusterName: cluster() },
        });
      }
      expect((await h.inventory()).filter((r) => r.startsWith(WEB.uid))).toEqual([]);
      expect(hasChanges((await planFor(provider, cluster(), API, api)).plan)).toBe(false);
      expect(await h.foreignIntact(STRANGER)).toBe(true);
      const after = await provider.sweep({ clusterName: cluster() });
      expect(findOrphans(after, live)).toEqual([]);
    });

    it.each([1, 3])(
      'a crash after %i cloud step(s) converges on the next reconcile without leaks or duplicates',
      async (steps) => {
        const intent = h.intent(WEB, nodes.slice(0, 2));
        let left = steps;
        const crashing: Provider = {
          ...provider,
          execute: async (request, ctx) => {
            if (left-- <= 0) throw new Error('simulated crash');
            return provider.execute(request, ctx);
          },
        };
        await expect(reconcileOnce(crashing, cluster(), WEB, intent)).rejects.toThrow(
          'simulated crash',
        );
        await converge(provider, cluster(), WEB, intent);
        const { plan, desired } = await planFor(provider, cluster(), WEB, intent);
        expect(hasChanges(plan)).toBe(false);
        expect((await h.inventory()).filter((r) => r.startsWith(WEB.uid))).toHaveLength(
          desired.length,
        );
      },
    );

    it('with 30 % injected faults, 10 Services converge with no leaks and no duplicates', async () => {
      const faulty = await h.connect({ faults: 0.3, seed: 7 });
      const services = Array.from({ length: 10 }, (_, i): ServiceIdentity => ({
        namespace: 'default',
        name: `svc-${i}`,
        // Real UIDs are random; in-tree names keep only the first 31 hex digits.
        uid: `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
      }));
      const intents = services.map((s, i) => h.intent(s, nodes.slice(0, 1 + (i % 3))));
      await Promise.all(services.map((s, i) => converge(faulty, cluster(), s, intents[i])));
      expect(faulty.calls.count({ outcome: 'ok' })).toBeLessThan(faulty.calls.count());

      // A clean provider sees every Service exactly as desired, and each resource once.
      for (const [i, s] of services.entries()) {
        const { plan, desired } = await planFor(provider, cluster(), s, intents[i]);
        expect(hasChanges(plan), `${s.name} has changes left`).toBe(false);
        expect((await h.inventory()).filter((r) => r.startsWith(s.uid))).toHaveLength(
          desired.length,
        );
      }
      await Promise.all(services.map((s) => converge(faulty, cluster(), s, undefined)));
      expect(await h.inventory()).toEqual([]);
    });
  });
}
