import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { createCallLog } from '../../core/calls.js';
import { InvalidInputError } from '../../core/errors.js';
import { startController } from '../../controller/start.js';
import { createLogger } from '../../observability/logger.js';
import { loadKubeConfig } from '../kubeconfig.js';
import { loadProvider, settingsFrom } from '../providers.js';
import type { SetExitCode } from './index.js';

const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/**
 * `lbctl run`: the in-cluster controller. Runs until SIGTERM or SIGINT (graceful: finishes the
 * reconciles in flight and releases the leader lease; exit 0) or until leadership is lost
 * (exit 1, so the pod restarts and campaigns again, as client-go controllers do).
 */
export function registerRun(program: Command, setExitCode: SetExitCode): void {
  program
    .command('run')
    .description('reconcile LoadBalancer Services of a cluster continuously (the controller)')
    .option('--provider <name>', 'aws, gcp, azure or local')
    .option('--cluster-name <name>', 'this cluster, in the ownership tags of every cloud resource')
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster, as kubectl)',
    )
    .option('--context <name>', 'kubeconfig context (default: its current-context)')
    .option('--workers <n>', 'Services reconciled in parallel (default 4)')
    .option('--load-balancer-class <class>', 'handle only Services of this spec.loadBalancerClass')
    .option('--config <file>', 'configuration file (YAML or JSON); flags and LBCTL_* variables win')
    .option(
      '--set <key=value>',
      'a provider setting (region, endpoint, ...); repeatable',
      collect,
      [],
    )
    .option('--metrics-bind-address <host:port>', '/healthz, /readyz and /metrics (default :8080)')
    .option(
      '--verify-interval-seconds <s>',
      'drift verification period per Service (default 600, 0 = off)',
    )
    .option('--no-leader-elect', 'run without leader election (a single replica only)')
    .option(
      '--leader-election-namespace <ns>',
      'namespace of the leader Lease (default $POD_NAMESPACE or lbctl-system)',
    )
    .option('--lease-duration-seconds <s>', 'leader lease duration (default 15)')
    .option('--renew-deadline-seconds <s>', 'leader renew deadline (default 10)')
    .option('--retry-period-seconds <s>', 'leader election retry period (default 2)')
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent (default info)')
    .action(async (flags: RunFlags) => {
      setExitCode(await run(flags, process.env));
    });
}

interface RunFlags {
  provider?: string;
  clusterName?: string;
  kubeconfig?: string;
  context?: string;
  workers?: string;
  loadBalancerClass?: string;
  config?: string;
  set: string[];
  metricsBindAddress?: string;
  verifyIntervalSeconds?: string;
  leaderElect: boolean;
  leaderElectionNamespace?: string;
  leaseDurationSeconds?: string;
  renewDeadlineSeconds?: string;
  retryPeriodSeconds?: string;
  logLevel?: string;
}

async function run(flags: RunFlags, env: NodeJS.ProcessEnv): Promise<number> {
  const { config: file, set, leaderElect, context, ...rest } = flags;
  const config = await loadConfig({
    ...(file === undefined ? {} : { file }),
    env,
    flags: {
      ...rest,
      // commander sets --no-leader-elect's default to true: only an explicit "no" counts as a flag.
      ...(leaderElect ? {} : { leaderElect: false }),
      set: Object.fromEntries(settingsPairs(set)),
    },
  });
  const logger = createLogger({ level: config.logLevel });
  const module = await loadProvider(config.provider);
  const calls = createCallLog();
  const settings = settingsFrom({
    clusterName: config.clusterName,
    set: Object.entries(config.set).map(([k, v]) => `${k}=${v}`),
    env,
  });
  const provider = module.connect(settings, { calls });
  const kc = loadKubeConfig({
    ...(config.kubeconfig === undefined ? {} : { kubeconfig: config.kubeconfig }),
    ...(context === undefined ? {} : { context }),
    env,
  });
  const running = await startController({
    config,
    kc,
    provider,
    onCloudCall: calls.onRecord,
    logger,
  });
  logger.info(
    {
      provider: config.provider,
      cluster: config.clusterName,
      ops: running.opsUrl,
      identity: running.identity,
    },
    'lbctl controller started',
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      void running.stop().then(() => resolve(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    void running.lost.then(() => {
      if (stopping) return;
      stopping = true;
      void running.stop().then(() => resolve(1));
    });
  });
}

/** `--set k=v` pairs; the later of two equal keys wins. */
function settingsPairs(set: readonly string[]): [string, string][] {
  return set.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new InvalidInputError('option --set', [
        { type: 'Invalid', field: '--set', value: pair, detail: 'expected key=value' },
      ]);
    }
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
}
