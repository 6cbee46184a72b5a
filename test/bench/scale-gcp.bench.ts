// Issue 9 on Google Cloud: the no-op reconcile reads of one Service with K = 10, 100 and 500
// other load balancers in the project, and the ownership sweep's cost per 1,000 resources, through
// the real adapter (SDK over HTTP) against the fake Compute API, the measured provider limited to
// Compute's published per-project quotas (1,500 reads and 1,500 mutations per minute).
// `npm run bench scale-gcp`.
import { createCallLog } from '../../src/core/calls.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import { hasChanges } from '../../src/plan/index.js';
import { createGcpProvider } from '../../providers/gcp/provider.js';
import { readSettings } from '../../providers/gcp/settings.js';
import { FakeCompute } from '../fakes/gcp/server.js';
import { gcpIntent } from '../gcp/intents.js';
import { converge, reconcile } from '../gcp/support.js';

const KS = [10, 100, 500];

export default async function bench(): Promise<void> {
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  const fake = new FakeCompute({ token: 't' });
  await fake.start();
  const nodes = [
    ['us-central1-a', 'node-a'],
    ['us-central1-b', 'node-b'],
  ].map(([zone = '', name = '']) => ({
    nodeName: name,
    providerID: fake.seedInstance(zone, name),
  }));
  const connect = (values: Record<string, string>) =>
    createGcpProvider(
      readSettings({
        clusterName: 'prod',
        values: { project: fake.project, endpoint: fake.url, 'access-token': 't', ...values },
        env: {},
      }),
      'prod',
      { calls: createCallLog() },
    );
  // The other load balancers are built without a client limit (setup, not measured).
  const builder = connect({ 'read-per-minute': '1000000', 'write-per-minute': '1000000' });
  const measured = connect({});
  const other = (i: number): ServiceIdentity => ({
    namespace: 'others',
    name: `svc-${i}`,
    uid: `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
  });
  const mine = gcpIntent({ targets: nodes });
  await converge(measured, mine.service, mine);

  const rows: string[][] = [];
  let built = 0;
  for (const k of KS) {
    for (; built < k; built = Math.min(built + 20, k)) {
      const batch = Array.from({ length: Math.min(20, k - built) }, (_, j) => other(built + j));
      await Promise.all(
        batch.map((s) => converge(builder, s, gcpIntent({ service: s, targets: nodes }))),
      );
    }
    measured.calls.reset();
    fake.reset();
    let started = performance.now();
    const { plan } = await reconcile(measured, mine.service, mine);
    const noOpMs = performance.now() - started;
    if (hasChanges(plan)) throw new Error('the no-op reconcile planned changes');
    const reads = measured.calls.count({ write: false });
    const writes = measured.calls.count({ write: true });
    const items = fake.requests.reduce((n, r) => n + (r.items ?? 0), 0);

    measured.calls.reset();
    fake.reset();
    started = performance.now();
    const swept = await measured.sweep({ clusterName: 'prod' });
    const sweepMs = performance.now() - started;
    const sweepCalls = measured.calls.count();
    rows.push([
      String(k),
      String(reads),
      String(writes),
      String(items),
      noOpMs.toFixed(0),
      String(swept.length),
      String(sweepCalls),
      ((sweepCalls * 1000) / swept.length).toFixed(2),
      sweepMs.toFixed(0),
    ]);
  }
  process.stdout.write(
    'one 1-port Service on 2 nodes in 2 zones, K other load balancers (gcp, fake Compute API, real SDK, 1,500 reads/min)\n',
  );
  process.stdout.write(
    `${['K', 'no-op reads', 'writes', 'items listed', 'ms', 'swept', 'sweep calls', 'calls/1000', 'sweep ms'].join('\t')}\n`,
  );
  for (const r of rows) process.stdout.write(`${r.join('\t')}\n`);
  await builder.close();
  await measured.close();
  await fake.stop();
}
