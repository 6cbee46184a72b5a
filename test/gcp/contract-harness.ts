import { createCallLog } from '../../src/core/calls.js';
import type { Target } from '../../src/core/intent.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import { createClients } from '../../providers/gcp/clients.js';
import {
  CLUSTER_LABEL,
  labelValue,
  parseDescription,
  SERVICE_UID_LABEL,
} from '../../providers/gcp/labels.js';
import { loadBalancerName } from '../../providers/gcp/names.js';
import { createGcpProvider } from '../../providers/gcp/provider.js';
import { readSettings } from '../../providers/gcp/settings.js';
import type { ContractHarness } from '../contract/harness.js';
import { FakeCompute } from '../fakes/gcp/server.js';
import type { Json } from '../fakes/gcp/store.js';
import { gcpIntent } from './intents.js';

const CLUSTER = 'contract';
/** Three nodes in one zone (the suite's deltas stay inside one endpoint group) and one in another. */
const NODES = [
  ['us-central1-a', 'node-1'],
  ['us-central1-a', 'node-2'],
  ['us-central1-a', 'node-3'],
  ['us-central1-b', 'node-4'],
] as const;

/** The provider contract against the fake Compute API, through the real SDK. */
export async function gcpHarness(): Promise<ContractHarness> {
  const fake = new FakeCompute();
  await fake.start();
  const closers: (() => Promise<void>)[] = [];
  let tokens = 0;
  const foreignClients = createClients({ endpoint: fake.url, accessToken: 'someone-else' });
  closers.push(() => foreignClients.close());
  const region = { project: fake.project, region: fake.region };

  const connect: ContractHarness['connect'] = async (options = {}) => {
    const token = `contract-${++tokens}`;
    const f = options.faults ?? 0;
    if (f > 0) {
      // Split like a bad day at a cloud API: mostly 5xx, then throttling, failed operations, resets.
      fake.faultsByToken.set(token, {
        errorRate: f * 0.45,
        throttleRate: f * 0.25,
        operationErrorRate: f * 0.15,
        resetRate: f * 0.15,
      });
      fake.reseed(options.seed ?? 1);
    }
    const provider = createGcpProvider(
      readSettings({
        clusterName: CLUSTER,
        values: { project: fake.project, endpoint: fake.url, 'access-token': token },
        env: {},
      }),
      CLUSTER,
      {
        calls: createCallLog(),
        retry: { retries: 8, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 1 },
        sleep: async () => {},
        random: () => 0,
      },
    );
    closers.push(() => provider.close());
    return Promise.resolve(provider);
  };

  const owned = (r: Json): { uid: string | undefined } | undefined => {
    const labels = r['labels'] as Record<string, string> | undefined;
    if (labels?.[CLUSTER_LABEL] === labelValue(CLUSTER)) return { uid: labels[SERVICE_UID_LABEL] };
    const d = parseDescription(r['description'] as string | undefined);
    return d?.clusters.includes(CLUSTER) === true ? { uid: d.serviceUid } : undefined;
  };

  return {
    clusterName: CLUSTER,
    async reset() {
      fake.clear();
      const nodes: Target[] = NODES.map(([zone, name]) => ({
        nodeName: name,
        providerID: fake.seedInstance(zone, name),
        zone,
      }));
      return Promise.resolve({ nodes });
    },
    connect,
    intent: (service, nodes, overrides = {}) =>
      gcpIntent({ service, clusterName: CLUSTER, targets: [...nodes], ...overrides }),
    async createForeign(service: ServiceIdentity) {
      const name = loadBalancerName(service);
      const [op] = await foreignClients.addresses.insert({
        ...region,
        addressResource: { name, labels: { owner: 'someone-else' } },
      });
      await foreignClients.regionOperations.wait({
        ...region,
        operation: (op as unknown as { latestResponse: { name: string } }).latestResponse.name,
      });
      return name;
    },
    async foreignIntact(service: ServiceIdentity) {
      const [a] = await foreignClients.addresses
        .get({ ...region, address: loadBalancerName(service) })
        .catch(() => [undefined]);
      return (
        a !== undefined && JSON.stringify(a.labels) === JSON.stringify({ owner: 'someone-else' })
      );
    },
    inventory() {
      const out: string[] = [];
      const services = fake.resources('backendServices');
      for (const collection of [
        'addresses',
        'forwardingRules',
        'backendServices',
        'healthChecks',
        'firewalls',
        'networkEndpointGroups',
      ]) {
        for (const r of fake.resources(collection)) {
          const o = owned(r);
          if (o === undefined) continue;
          if (o.uid !== undefined) {
            out.push(`${o.uid} ${collection} ${String(r['name'])}`);
            continue;
          }
          // A shared instance group counts once for every Service whose backend service uses it.
          const users = services.filter((b) =>
            JSON.stringify(b['backends'] ?? []).includes(String(r['selfLink'])),
          );
          if (users.length === 0) out.push(`shared ${collection} ${String(r['name'])}`);
          for (const b of users)
            out.push(`${owned(b)?.uid ?? 'foreign'} ${collection} ${String(r['name'])}`);
        }
      }
      return Promise.resolve(out.sort());
    },
    targetWrites: ({ added, removed }) => ({
      ...(added > 0 ? { 'networkEndpointGroups.attachNetworkEndpoints': 1 } : {}),
      ...(removed > 0 ? { 'networkEndpointGroups.detachNetworkEndpoints': 1 } : {}),
    }),
    async close() {
      for (const c of closers) await c();
      await fake.stop();
    },
  };
}
