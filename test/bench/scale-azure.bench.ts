// `npm run bench scale-azure`: issue 9 through the real adapter (SDK over HTTPS) against the
// Azure fake, at ARM's published read budget (token bucket of 250, refilled at 25/s per
// subscription: the provider's default read-rate/read-burst). 1) the no-op reconcile reads of one
// Service with K = 10, 100, 500 other load balancers and public IPs in the resource group;
// 2) the ownership sweep's calls for K resources tagged for this cluster.
import { providerFor } from '../azure/adapter-support.js';
import { intentFixture } from '../azure/intent-fixture.js';
import { reconcileOnce } from '../azure/reconcile.js';
import { createOthers, seedForeign } from '../azure/scale-support.js';
import { CLUSTER, startFakeCloud } from '../azure/support.js';
import { AZURE_CLUSTER_TAG } from '../../providers/azure/tags.js';

/** Items per page of a list; ARM's Network lists page at the service's discretion. */
const PAGE = 100;

export default async function bench(): Promise<void> {
  process.stdout.write(
    `\nNo-op reconcile of one 2-port Service (page size ${PAGE}; 5 other Services of the cluster on the shared load balancer)\n`,
  );
  process.stdout.write(
    '| K other LBs + public IPs | reads | writes | operations |\n|---|---|---|---|\n',
  );
  for (const k of [10, 100, 500]) {
    const fake = await startFakeCloud({ lro: 'sync', pageSize: PAGE });
    const p = providerFor(fake);
    await createOthers(p, 5);
    seedForeign(fake, k);
    const intent = intentFixture();
    await reconcileOnce(p, intent.service, intent);
    p.calls.reset();
    await reconcileOnce(p, intent.service, intent);
    const ops = [...new Set(p.calls.calls.map((c) => c.operation))].sort().join(', ');
    process.stdout.write(
      `| ${k} | ${p.calls.count({ write: false })} | ${p.calls.count({ write: true })} | ${ops} |\n`,
    );
    await fake.close();
  }

  process.stdout.write(
    `\nOwnership sweep (3 paged lists: load balancers, public IPs, security groups; page size ${PAGE})\n`,
  );
  process.stdout.write(
    '| resources in the resource group | calls | calls per 1,000 resources | ms | time at 25 reads/s after the burst |\n|---|---|---|---|---|\n',
  );
  for (const k of [100, 1000, 5000]) {
    const fake = await startFakeCloud({ lro: 'sync', pageSize: PAGE });
    const p = providerFor(fake);
    // Half the load balancers and public IPs carry this cluster's tag, half are someone else's.
    seedForeign(fake, k / 4);
    for (let i = 0; i < k / 4; i++) {
      fake.store.put('publicIPAddresses', 'rg', `owned-pip-${i}`, {
        location: 'eastus',
        sku: { name: 'Standard' },
        tags: {
          [AZURE_CLUSTER_TAG]: CLUSTER,
          'k8s-azure-service': `ns/svc-${i}`,
          'k8s-azure-service-uid': `${(0x20000000 + i).toString(16)}-0000-4000-8000-000000000000`,
        },
        properties: { publicIPAllocationMethod: 'Static' },
      });
      fake.store.put('loadBalancers', 'rg', `owned-lb-${i}`, {
        location: 'eastus',
        sku: { name: 'Standard' },
        tags: { [AZURE_CLUSTER_TAG]: CLUSTER },
        properties: {},
      });
    }
    const total = k + 1; // + the security group
    const started = performance.now();
    const swept = await p.sweep({ clusterName: CLUSTER });
    const ms = performance.now() - started;
    const calls = p.calls.count();
    const budgetSeconds = Math.max(0, calls - 250) / 25;
    process.stdout.write(
      `| ${total} (${swept.length} reported) | ${calls} | ${((calls * 1000) / total).toFixed(1)} | ${ms.toFixed(0)} | ${budgetSeconds.toFixed(1)} s |\n`,
    );
    await fake.close();
  }
}
