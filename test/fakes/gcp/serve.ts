// Runs the fake Compute API on 127.0.0.1 for trying lbctl by hand (docs/gcp.md):
//
//   node --import tsx test/fakes/gcp/serve.ts --nodes examples/nodes/gcp.yaml [--port 8085]
//        [--project lbctl-demo] [--region us-central1] [--token lbctl-fake-token]
//        [--error-rate 0.1] [--throttle-rate 0.05] [--operation-error-rate 0.05] [--seed 1]
//
// Every GCE instance named by a Node's providerID (gce://PROJECT/ZONE/NAME) is seeded, so
// instance groups can hold it. Ctrl-C stops it and prints the call counts per API method.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { readManifests } from '../../../src/k8s/files.js';
import { parseProviderID } from '../../../providers/gcp/desired.js';
import { FakeCompute } from './server.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', multiple: true, default: [] },
    port: { type: 'string', default: '8085' },
    project: { type: 'string' },
    region: { type: 'string', default: 'us-central1' },
    token: { type: 'string', default: 'lbctl-fake-token' },
    'error-rate': { type: 'string', default: '0' },
    'throttle-rate': { type: 'string', default: '0' },
    'operation-error-rate': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
  },
});

const manifests = values.nodes.length === 0 ? { nodes: [] } : await readManifests(values.nodes);
const instances = manifests.nodes
  .map((n) => parseProviderID(n.object.spec?.providerID ?? ''))
  .filter((r) => r !== undefined);
const project = values.project ?? instances[0]?.project ?? 'lbctl-demo';
const region = values.region;
const zones = [
  ...new Set([...instances.map((i) => i.zone), `${region}-a`, `${region}-b`, `${region}-c`]),
];
const fake = new FakeCompute({
  project,
  region,
  zones,
  token: values.token,
  seed: Number(values.seed),
  faults: {
    errorRate: Number(values['error-rate']),
    throttleRate: Number(values['throttle-rate']),
    operationErrorRate: Number(values['operation-error-rate']),
  },
});
for (const i of instances) if (i.project === project) fake.seedInstance(i.zone, i.name);

// Listen on the requested port (the fake's own start() picks a free one).
const port = Number(values.port);
const probe = createServer();
await new Promise<void>((resolve, reject) => {
  probe.once('error', reject);
  probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
});
const { url } = await fake.startOn(port);
process.stdout.write(
  `fake Compute API on ${url} (project ${project}, region ${region}, ${instances.length} instances)\n` +
    `  export LBCTL_GCP_ENDPOINT=${url} LBCTL_GCP_PROJECT=${project} LBCTL_GCP_REGION=${region} LBCTL_GCP_ACCESS_TOKEN=${values.token}\n`,
);
process.on('SIGINT', () => {
  const counts = new Map<string, number>();
  for (const r of fake.requests) counts.set(r.operation, (counts.get(r.operation) ?? 0) + 1);
  for (const [op, n] of [...counts].sort()) process.stdout.write(`${op}\t${n}\n`);
  void fake.stop().then(() => process.exit(0));
});
