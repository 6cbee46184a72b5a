import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { parseConfig, type Config } from '../../config/index.js';
import { startController } from '../../controller/start.js';
import { createCallLog } from '../../core/calls.js';
import type { Node, Service } from '../../core/k8s.js';
import { readManifests, type Manifests } from '../../k8s/files.js';
import { createLogger } from '../../observability/logger.js';
import { planService } from '../../pipeline/index.js';
import { renderText, wantsColor } from '../../render/text.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { localProviderModule } from '../../../providers/local/index.js';
import { loadKubeConfig } from '../kubeconfig.js';
import { renderServiceTable } from '../svc-table.js';
import type { SetExitCode } from './index.js';

/**
 * The bundled examples: three levels up from src/cli/commands (a checkout), four from
 * dist/src/cli/commands (a build, the installed package, the image).
 */
const EXAMPLES =
  ['../../../examples/', '../../../../examples/']
    .map((p) => fileURLToPath(new URL(p, import.meta.url)))
    .find((p) => existsSync(resolve(p, 'services'))) ??
  fileURLToPath(new URL('../../../examples/', import.meta.url));

/**
 * `lbctl demo`: the whole product with no cluster and no cloud. Starts the sandbox API server,
 * creates the bundled example Services and Nodes in it, prints the plan, runs the controller
 * against the in-memory cloud until every LoadBalancer Service has an address, and prints the
 * Services as `kubectl get svc` would. `--keep` keeps everything running for kubectl.
 */
export function registerDemo(program: Command, setExitCode: SetExitCode): void {
  program
    .command('demo')
    .description('run lbctl end to end on an embedded API server and an in-memory cloud')
    .option('--keep', 'keep the API server and the controller running (prints the kubeconfig)')
    .option('--timeout-seconds <s>', 'give up waiting for addresses after this long', '30')
    .option('--log-level <level>', 'controller log level', 'warn')
    .option('--no-color', 'never colour the plan')
    .action(
      async (flags: {
        keep?: boolean;
        timeoutSeconds: string;
        logLevel: string;
        color: boolean;
      }) => {
        setExitCode(await demo(flags));
      },
    );
}

async function demo(flags: {
  keep?: boolean;
  timeoutSeconds: string;
  logLevel: string;
  color: boolean;
}): Promise<number> {
  const config = parseConfig({
    provider: 'local',
    clusterName: 'demo',
    leaderElect: 'false',
    metricsBindAddress: '127.0.0.1:0',
    logLevel: flags.logLevel,
  });
  const manifests = await readManifests([
    resolve(EXAMPLES, 'services'),
    resolve(EXAMPLES, 'nodes', 'aws.yaml'),
  ]);
  const sandbox = await startSandbox();
  try {
    return await demoOn(sandbox, manifests, config, flags);
  } finally {
    await sandbox.close();
  }
}

async function demoOn(
  sandbox: Sandbox,
  manifests: Manifests,
  config: Config,
  flags: { keep?: boolean; timeoutSeconds: string; color: boolean },
): Promise<number> {
  const out = (s: string) => process.stdout.write(s);
  const kc = loadKubeConfig({ kubeconfig: sandbox.kubeconfigPath, env: {} });
  const core = kc.makeApiClient(CoreV1Api);
  const namespaces = new Set(
    manifests.services.map((s) => s.object.metadata.namespace ?? 'default'),
  );
  const existing = new Set((await core.listNamespace()).items.map((n) => n.metadata?.name));
  for (const name of namespaces) {
    if (!existing.has(name)) await core.createNamespace({ body: { metadata: { name } } });
  }
  for (const { object } of manifests.nodes) await core.createNode({ body: fresh(object) as never });
  for (const { object } of manifests.services) {
    await core.createNamespacedService({
      namespace: object.metadata.namespace ?? 'default',
      body: fresh(object) as never,
    });
  }
  out(
    `Sandbox API server on ${sandbox.url}: created ${manifests.services.length} Services and ${manifests.nodes.length} Nodes from examples/.\n\n`,
  );

  const module = localProviderModule();
  const settings = { clusterName: config.clusterName, values: {}, env: {} };
  const calls = createCallLog();
  const provider = await module.connect(settings, { calls });
  const admitted = await listServices(core);
  const nodes = JSON.parse(JSON.stringify((await core.listNode()).items)) as Node[];
  const plans = [];
  for (const service of admitted) {
    const sp = await planService({
      service,
      nodes,
      provider,
      clusterName: config.clusterName,
      mode: 'verify',
    });
    if (sp.plan.steps.length > 0) plans.push(sp.plan);
  }
  out(
    renderText(plans, {
      color: flags.color && wantsColor(process.stdout, process.env),
    }),
  );
  out('\n');

  const logger = createLogger({ level: config.logLevel });
  const running = await startController({
    config,
    kc,
    provider,
    onCloudCall: calls.onRecord,
    logger,
  });
  const deadline = Date.now() + Number(flags.timeoutSeconds) * 1000;
  let services = admitted;
  for (;;) {
    services = await listServices(core);
    const pending = services.filter(
      (s) => s.spec.type === 'LoadBalancer' && (s.status?.loadBalancer?.ingress?.length ?? 0) === 0,
    );
    if (pending.length === 0) break;
    if (Date.now() > deadline) {
      out(renderServiceTable(services));
      process.stderr.write(
        `Error: still pending after ${flags.timeoutSeconds} s: ${pending.map((s) => s.metadata.name).join(', ')}\n`,
      );
      await running.stop();
      return 1;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  out(`$ kubectl get svc -A\n${renderServiceTable(services)}\n`);
  out(
    `Cloud calls: ${calls.count({ write: true })} writes, ${calls.count({ write: false })} reads.\n`,
  );
  if (flags.keep !== true) {
    await running.stop();
    return 0;
  }
  out(
    `\nStill running. Try:\n  export KUBECONFIG=${sandbox.kubeconfigPath}\n  kubectl get svc -A\n  kubectl describe svc myapp-service\nMetrics: ${running.opsUrl}/metrics — Ctrl-C to stop.\n`,
  );
  await new Promise<void>((r) => {
    process.once('SIGINT', () => r());
    process.once('SIGTERM', () => r());
  });
  await running.stop();
  return 0;
}

async function listServices(core: CoreV1Api): Promise<Service[]> {
  const list = await core.listServiceForAllNamespaces();
  return (JSON.parse(JSON.stringify(list.items)) as Service[]).sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}`
      ? -1
      : 1,
  );
}

/** What a user sends to create an object: no server-set metadata. */
function fresh<T extends Service | Node>(o: T): T {
  const copy = structuredClone(o);
  delete copy.metadata.uid;
  delete copy.metadata.resourceVersion;
  delete copy.metadata.creationTimestamp;
  // A Node's status (addresses) is set by its kubelet when it registers; a Service's by controllers.
  if (copy.kind === 'Service') delete copy.status;
  return copy;
}
