import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { createCallLog } from '../../core/calls.js';
import { InvalidInputError } from '../../core/errors.js';
import { startController } from '../../controller/start.js';
import { createLogger } from '../../observability/logger.js';
import { loadKubeConfig } from '../kubeconfig.js';
import { adoptingProvider } from '../../pipeline/index.js';
import { loadProvider, settingsFrom } from '../providers.js';
import { ADOPT_HELP } from '../planning/adopt.js';
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
    .option(
      '--metrics-bind-address <host:port>',
      '/metrics, and the probes unless --health-probe-bind-address is set (default :8080; 0 disables)',
    )
    .option(
      '--health-probe-bind-address <host:port>',
      '/healthz and /readyz on their own address, e.g. :8081 (0 disables)',
    )
    .option(
      '--verify-interval-seconds <s>',
      'drift verification period per Service (default 600, 0 = off)',
    )
    .option(
      '--orphan-sweep <mode>',
      'report (default: log and count orphaned cloud resources) or delete them',
    )
    .option(
      '--orphan-sweep-interval <duration>',
      'time between ownership sweeps of the whole account, e.g. 6h (default), 30m; 0 = off',
    )
    .option(
      '--verify-budget <share>',
      "share of each cloud API class's client rate drift verification may use (default 0.2)",
    )
    .option(
      '--leader-elect [bool]',
      'leader election (default true); --leader-elect=false runs a single replica without it',
    )
    .option('--no-leader-elect', 'the same as --leader-elect=false')
    .option(
      '--leader-election-namespace <ns>',
      'namespace of the leader Lease (default $POD_NAMESPACE or lbctl-system)',
    )
    .option('--lease-duration-seconds <s>', 'leader lease duration (default 15)')
    .option('--renew-deadline-seconds <s>', 'leader renew deadline (default 10)')
    .option('--retry-period-seconds <s>', 'leader election retry period (default 2)')
    .option(
      '--dry-run',
      "report only: publish each Service's pending plan (Events, metrics); write nothing",
    )
    .option('--drift <mode>', 'repair (default) or report drift found by verification')
    .option('--allow-replacement', "carry out replacements that change a Service's address")
    .option('--adopt', ADOPT_HELP)
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
  healthProbeBindAddress?: string;
  verifyIntervalSeconds?: string;
  orphanSweep?: string;
  orphanSweepInterval?: string;
  verifyBudget?: string;
  /** `true` (the flag alone), `false` (--no-leader-elect), a string (--leader-elect=VALUE), or absent. */
  leaderElect?: boolean | string;
  leaderElectionNamespace?: string;
  leaseDurationSeconds?: string;
  renewDeadlineSeconds?: string;
  retryPeriodSeconds?: string;
  logLevel?: string;
  dryRun?: boolean;
  drift?: string;
  allowReplacement?: boolean;
  adopt?: boolean;
}

async function run(flags: RunFlags, env: NodeJS.ProcessEnv): Promise<number> {
  const { config: file, set, leaderElect, context, ...rest } = flags;
  const config = await loadConfig({
    ...(file === undefined ? {} : { file }),
    env,
    flags: {
      ...rest,
      // With both --leader-elect [bool] and --no-leader-elect declared, commander leaves it
      // undefined unless given; a string value is parsed by the config schema (true/false...).
      ...(leaderElect === undefined ? {} : { leaderElect }),
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
  const connected = await module.connect(settings, { calls });
  // --adopt: every observe asks for adoption (src/pipeline adoptingProvider, docs/migrating.md).
  const provider = config.adopt ? adoptingProvider(connected) : connected;
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
      throw new InvalidInputError('lbctl run', [
        { type: 'Invalid', field: '--set', value: pair, detail: 'expected key=value' },
      ]);
    }
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
}
