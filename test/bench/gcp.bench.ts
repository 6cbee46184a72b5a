// Call counts of the gcp provider against the fake Compute API (through the real SDK): create,
// no-op, +1 node and delete of a 2-port Service on 2 nodes in 2 zones. `npm run bench gcp`.
import { createCallLog } from '../../src/core/calls.js';
import type { CallLog } from '../../src/core/provider.js';
import { createGcpProvider } from '../../providers/gcp/provider.js';
import { readSettings } from '../../providers/gcp/settings.js';
import { FakeCompute } from '../fakes/gcp/server.js';
import { gcpIntent } from '../gcp/intents.js';
import { reconcile } from '../gcp/support.js';

export default async function bench(): Promise<void> {
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  const fake = new FakeCompute({ token: 't' });
  await fake.start();
  fake.seedInstance('us-central1-a', 'node-a');
  fake.seedInstance('us-central1-b', 'node-b');
  fake.seedInstance('us-central1-a', 'node-c');
  const calls = createCallLog();
  const settings = readSettings({
    clusterName: 'prod',
    values: { project: fake.project, endpoint: fake.url, 'access-token': 't' },
    env: {},
  });
  const provider = createGcpProvider(settings, 'prod', { calls, sleep: async () => {} });
  const node = (name: string, zone: string) => ({
    nodeName: name,
    providerID: `gce://${fake.project}/${zone}/${name}`,
  });
  const two = gcpIntent({
    targets: [node('node-a', 'us-central1-a'), node('node-b', 'us-central1-b')],
  });
  const three = { ...two, targets: [...two.targets, node('node-c', 'us-central1-a')] };

  const rows: string[][] = [];
  const measure = async (label: string, intent: typeof two | null) => {
    calls.reset();
    const started = performance.now();
    await reconcile(provider, two.service, intent);
    const ms = performance.now() - started;
    rows.push([
      label,
      String(calls.count()),
      String(calls.count({ write: false })),
      String(calls.count({ write: true })),
      ms.toFixed(0),
      byOperation(calls),
    ]);
  };
  await measure('create', two);
  await measure('no-op', two);
  await measure('+1 node', three);
  await measure('delete', null);
  process.stdout.write(
    '2-port TCP Service, 2 → 3 nodes in 2 zones (gcp, fake Compute API over HTTP, real SDK)\n',
  );
  process.stdout.write(`${['step', 'calls', 'reads', 'writes', 'ms', 'by method'].join('\t')}\n`);
  for (const r of rows) process.stdout.write(`${r.join('\t')}\n`);
  await provider.close();
  await fake.stop();
}

function byOperation(calls: CallLog): string {
  const counts = new Map<string, number>();
  for (const c of calls.calls) counts.set(c.operation, (counts.get(c.operation) ?? 0) + 1);
  return [...counts]
    .sort()
    .map(([op, n]) => `${op}=${n}`)
    .join(' ');
}
