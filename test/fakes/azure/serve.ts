// Runs the Azure Network fake by hand: `node --import tsx test/fakes/azure/serve.ts [options]`.
// Prints the settings lbctl needs and writes them to an env file; stops on Ctrl-C.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAzureFake } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    cluster: { type: 'string', default: 'kubernetes' },
    'resource-group': { type: 'string' },
    lro: { type: 'string', default: 'mixed' },
    faults: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    'latency-ms': { type: 'string', default: '0' },
    'write-env': { type: 'string', default: join(tmpdir(), 'lbctl-azure-fake.env') },
  },
});
const cluster = values.cluster;
const rg = values['resource-group'] ?? `${cluster}-rg`;
const lro = values.lro === 'sync' || values.lro === 'async' ? values.lro : 'mixed';
const rate = Number(values.faults);
const fake = await startAzureFake({
  port: Number(values.port),
  resourceGroups: [rg],
  vnets: [
    {
      resourceGroup: rg,
      name: `${cluster}-vnet`,
      subnets: { [`${cluster}-subnet`]: '10.240.0.0/16' },
    },
  ],
  lro,
  ...(rate > 0 || Number(values['latency-ms']) > 0
    ? { faults: { rate, seed: Number(values.seed), latencyMs: Number(values['latency-ms']) } }
    : {}),
});
// The cluster's network security group, tagged so lbctl may manage its rules in it.
fake.store.put('networkSecurityGroups', rg, `${cluster}-nsg`, {
  location: 'eastus',
  tags: { 'k8s-azure-cluster-name': cluster },
  properties: { securityRules: [] },
});
const caFile = join(tmpdir(), `lbctl-azure-fake-${process.pid}.pem`);
writeFileSync(caFile, fake.ca);
const env = [
  `LBCTL_AZURE_ENDPOINT=${fake.endpoint}`,
  `LBCTL_AZURE_SUBSCRIPTION_ID=${fake.subscription}`,
  `LBCTL_AZURE_RESOURCE_GROUP=${rg}`,
  `LBCTL_AZURE_TOKEN=fake-token`,
  `LBCTL_AZURE_CA_FILE=${caFile}`,
].join('\n');
writeFileSync(values['write-env'], `${env}\n`);
process.stdout.write(
  `Azure Network fake on ${fake.endpoint} (cluster ${cluster}, resource group ${rg}, lro ${lro}, faults ${rate})\n${env}\n(also in ${values['write-env']}; Ctrl-C stops)\n`,
);
const stop = () => {
  process.stdout.write(`\n${fake.requests.length} requests served\n`);
  void fake.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
