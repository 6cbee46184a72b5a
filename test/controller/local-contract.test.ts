// providers/local passes the provider contract suite every cloud passes (test/contract).
import { LbctlError } from '../../src/core/errors.js';
import { createCallLog } from '../../src/core/calls.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import { RESOURCE_TAG, SERVICE_UID_TAG, clusterTagKey } from '../../src/core/tags.js';
import { LocalCloud, connectLocal } from '../../providers/local/index.js';
import { loadBalancerName } from '../../providers/local/desired.js';
import { seededRandom } from '../support/fault-proxy.js';
import { intentFor, nodesFor } from '../support/intents.js';
import { defineContractSuite, type ContractHarness } from '../contract/suite.js';

const CLUSTER = 'contract';

async function localHarness(): Promise<ContractHarness> {
  let cloud = new LocalCloud();
  const nodes = nodesFor(
    { providerID: (name) => `local://${name}`, internalIP: (i) => `10.0.0.${i}` },
    4,
  );
  let foreign: { id: string; snapshot: string } | undefined;
  return {
    clusterName: CLUSTER,
    async reset() {
      cloud = new LocalCloud();
      foreign = undefined;
      return { nodes };
    },
    async connect(options = {}) {
      const faults = options.faults ?? 0;
      if (faults > 0) {
        const random = seededRandom(options.seed ?? 1);
        cloud.beforeCall = () => {
          const r = random();
          if (r < faults / 2)
            throw new LbctlError('throttled', 'Rate exceeded', { retryAfterMs: 10 });
          if (r < faults) throw new LbctlError('transient', 'connection reset by peer');
        };
      } else {
        cloud.beforeCall = undefined;
      }
      return connectLocal(cloud, createCallLog(), {
        sleep: async () => {},
        random: seededRandom(options.seed ?? 1),
        retry: { retries: 10, minTimeoutMs: 1, maxTimeoutMs: 10, factor: 2 },
      });
    },
    intent(service, targets, overrides = {}): LoadBalancerIntent {
      return intentFor({ service, clusterName: CLUSTER, targets: [...targets], ...overrides });
    },
    async createForeign(service) {
      const name = loadBalancerName(service.uid);
      const hook = cloud.beforeCall;
      cloud.beforeCall = undefined;
      const r = await cloud.create({
        type: 'local_lb',
        attributes: { name, scheme: 'external' },
        tags: { owner: 'someone-else' },
        clientToken: `foreign-${name}`,
      });
      cloud.beforeCall = hook;
      foreign = { id: r.id, snapshot: JSON.stringify(r) };
      return name;
    },
    async foreignIntact() {
      const now = cloud.list().find((r) => r.id === foreign?.id);
      return now !== undefined && JSON.stringify(now) === foreign?.snapshot;
    },
    async inventory() {
      return cloud
        .list()
        .filter((r) => r.tags[clusterTagKey(CLUSTER)] === 'owned')
        .map((r) => `${r.tags[SERVICE_UID_TAG] ?? '?'} ${r.type} ${r.tags[RESOURCE_TAG] ?? r.id}`)
        .sort();
    },
    targetWrites({ added, removed, listeners }) {
      const out: Record<string, number> = {};
      if (added > 0) out['RegisterTargets'] = listeners;
      if (removed > 0) out['DeregisterTargets'] = listeners;
      return out;
    },
    async close() {},
  };
}

defineContractSuite('local (in-memory)', localHarness);
