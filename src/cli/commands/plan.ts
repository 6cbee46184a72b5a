import type { Command } from 'commander';
import { hasChanges } from '../../plan/index.js';
import { renderJson } from '../../render/json.js';
import { renderText } from '../../render/text.js';
import { InvalidInputError } from '../../core/errors.js';
import { CLUSTER_NAME_ALLOWED, CLUSTER_NAME_RULE } from '../../core/tags.js';
import { DEFAULT_PARALLELISM, planFromFiles } from '../planning/from-files.js';
import { describeInputs, expandFileArgs, recursionHint } from '../planning/inputs.js';
import { ADOPT_HELP, withAdoption } from '../planning/adopt.js';
import {
  emptiesLiveTargets,
  planWarnings,
  sourceNotice,
  truthfulReasons,
} from '../planning/truth.js';
import { processDeps, type CommandDeps } from '../planning/io.js';
import { SAVED_PLAN_FORMAT, writeSavedPlan } from '../planning/saved-plan.js';
import { parseProviderName } from '../providers.js';
import { LBCTL_VERSION } from '../version.js';
import type { SetExitCode } from './index.js';

export interface PlanFlags {
  /** Required unless the plan reads from a cluster (then: proposed Services); commander leaves it undefined when absent. */
  filename: string[];
  /** Checked in runPlan: the option is declared optional so that the cluster source can do without -f. */
  provider: string;
  clusterName: string;
  json?: boolean;
  detailedExitcode?: boolean;
  observed?: string;
  set: string[];
  out?: string;
  offline?: boolean;
  parallelism?: number;
  /** Plan the valid Services and report the refused ones, instead of refusing the whole plan. */
  skipInvalid?: boolean;
  color: boolean;
  /** `-R`: folders given with -f are read with their sub-folders (kubectl's meaning). */
  recursive?: boolean;
  /** Cluster source (src/cli/planning/from-cluster.ts): any of these plans against a cluster. */
  cluster?: boolean;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  selector?: string;
  loadBalancerClass?: string;
  /** Plan the deletion of orphans (src/cli/planning/orphans.ts) instead of the Services. */
  orphans?: boolean;
  /** Take over what the in-tree cloud provider made (src/cli/planning/adopt.ts). */
  adopt?: boolean;
}

export const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** Options shared by plan, apply and destroy. */
export function withPlanInputs(command: Command, options: { required: boolean }): Command {
  const add = options.required
    ? command.requiredOption.bind(command)
    : command.option.bind(command);
  add(
    '-f, --filename <path>',
    'manifest file or folder (YAML or JSON), `-` for stdin, a,b for several; repeatable',
    collect,
  );
  add('--provider <name>', 'aws, gcp or azure');
  return command
    .option('-R, --recursive', 'read the folders given with -f and their sub-folders')
    .option(
      '--cluster-name <name>',
      'the cluster name in ownership tags',
      parseClusterName,
      'kubernetes',
    )
    .option(
      '--set <key=value>',
      'a provider setting (region, endpoint, ...); repeatable',
      collect,
      [],
    )
    .option(
      '--observed <file>',
      'plan against this snapshot of existing resources instead of the cloud',
    )
    .option(
      '--parallelism <n>',
      `Services observed and applied at once (default ${DEFAULT_PARALLELISM})`,
      parseParallelism,
    )
    .option(
      '--skip-invalid',
      'plan the valid Services and report the invalid ones (default: any invalid object fails the plan)',
    )
    .option('--no-color', 'never colour the output');
}

/** `--cluster-name`: the rule of src/core/tags.ts, the same as `lbctl run`'s. */
function parseClusterName(value: string): string {
  if (CLUSTER_NAME_RULE.test(value)) return value;
  throw new InvalidInputError('lbctl', [
    {
      type: 'Invalid',
      field: '--cluster-name',
      value,
      detail: CLUSTER_NAME_ALLOWED,
    },
  ]);
}

function parseParallelism(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidInputError('lbctl', [
      { type: 'Invalid', field: '--parallelism', value, detail: 'must be an integer ≥ 1' },
    ]);
  }
  return n;
}

export function registerPlan(
  program: Command,
  setExitCode: SetExitCode,
  deps: () => CommandDeps = processDeps,
): void {
  withPlanInputs(
    program
      .command('plan')
      .description('show what apply would change, without changing anything')
      .argument('[names...]', 'with a cluster: only the Services of these names'),
    {
      required: false,
    },
  )
    .option('--cluster', 'read Services and Nodes from the cluster of the current kubeconfig')
    .option('--kubeconfig <file>', 'read Services and Nodes from this cluster (implies --cluster)')
    .option('--context <name>', 'kubeconfig context (implies --cluster)')
    .option('-n, --namespace <ns>', 'with a cluster: only this namespace')
    .option(
      '-l, --selector <selector>',
      'with a cluster: only Services matching this label selector',
    )
    .option(
      '--load-balancer-class <class>',
      "with a cluster: the controller's --load-balancer-class, to plan what it would do",
    )
    .option(
      '--orphans',
      'plan deleting every resource tagged for this cluster that no live Service wants (files = every Service)',
    )
    .option('--adopt', ADOPT_HELP)
    .option('--json', 'print the plan as JSON (shaped after `terraform show -json`)')
    .option(
      '--offline',
      'never contact the cloud: plan as if nothing exists (or against --observed)',
    )
    .option(
      '--detailed-exitcode',
      'exit 0 when there are no changes, 2 when there are, 1 on errors',
    )
    .option(
      '--out <file>',
      'save the plan so that `lbctl apply FILE` performs exactly it (also -out FILE)',
    )
    .action(async (names: string[], flags: PlanFlags) => {
      setExitCode(await runPlan(flags, withAdoption(deps(), flags.adopt), names));
    });
}

export async function runPlan(
  flags: PlanFlags,
  deps: CommandDeps,
  names: readonly string[] = [],
): Promise<number> {
  if ((flags.provider as string | undefined) === undefined) {
    throw new InvalidInputError('lbctl plan', [
      { type: 'Required', field: '--provider', detail: 'aws, gcp, azure or local' },
    ]);
  }
  const provider = parseProviderName(flags.provider);
  const fromCluster =
    flags.cluster === true ||
    [flags.kubeconfig, flags.context, flags.namespace, flags.selector].some(
      (v) => v !== undefined,
    ) ||
    names.length > 0;
  const files = await expandFileArgs((flags.filename as string[] | undefined) ?? [], {
    recursive: flags.recursive === true,
  });
  if (!fromCluster && (flags.filename as string[] | undefined) === undefined) {
    throw new InvalidInputError('lbctl plan', [
      {
        type: 'Required',
        field: '--filename',
        detail:
          'give manifest files with -f, or plan against a cluster with --cluster or --kubeconfig',
      },
    ]);
  }
  if (flags.orphans === true) {
    // Loaded only when asked: it brings the Kubernetes client with it.
    const { runOrphansPlan } = await import('../planning/orphans.js');
    return runOrphansPlan(flags, deps, { names, fromCluster, files });
  }
  // The Kubernetes client is loaded only for plans that talk to a cluster.
  const cluster = fromCluster ? await import('../planning/from-cluster.js') : undefined;
  const kubeconfig = fromCluster ? await import('../kubeconfig.js') : undefined;
  const planned =
    cluster !== undefined && kubeconfig !== undefined
      ? await cluster.planFromCluster({
          kc: kubeconfig.loadKubeConfig({
            ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
            ...(flags.context === undefined ? {} : { context: flags.context }),
            env: deps.env,
          }),
          provider,
          clusterName: flags.clusterName,
          set: flags.set,
          env: deps.env,
          names,
          ...(files.length === 0 ? {} : { proposedFiles: files }),
          ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
          ...(flags.selector === undefined ? {} : { selector: flags.selector }),
          ...(flags.loadBalancerClass === undefined
            ? {}
            : { loadBalancerClass: flags.loadBalancerClass }),
          ...(flags.offline === true ? { offline: true } : {}),
          ...(flags.parallelism === undefined ? {} : { parallelism: flags.parallelism }),
          ...(deps.readStdin === undefined ? {} : { stdin: deps.readStdin }),
          loadProvider: deps.loadProvider,
          notice: (line) => deps.stderr(`${line}\n`),
        })
      : await planFromFiles({
          files,
          provider,
          clusterName: flags.clusterName,
          set: flags.set,
          env: deps.env,
          ...(flags.observed === undefined ? {} : { observedFile: flags.observed }),
          connect: flags.offline === true ? 'never' : 'if-configured',
          ...(flags.parallelism === undefined ? {} : { parallelism: flags.parallelism }),
          ...(flags.skipInvalid === true ? { skipInvalid: true } : {}),
          ...(deps.readStdin === undefined ? {} : { stdin: deps.readStdin }),
          loadProvider: deps.loadProvider,
          notice: (line) => deps.stderr(`${line}\n`),
        });
  const notice = sourceNotice(planned.observed, flags.observed);
  if (notice !== undefined) deps.stderr(`${notice}\n`);
  const inputs = fromCluster
    ? undefined
    : `${describeInputs(flags.filename)}${await recursionHint(flags.filename, { recursive: flags.recursive === true })}`;
  for (const w of planWarnings(planned.services, inputs)) deps.stderr(`${w}\n`);
  const plans = truthfulReasons(
    planned.services.map((s) => s.plan),
    planned.observed,
  );
  // Everything is validated and planned before the first byte goes to stdout.
  const output =
    flags.json === true
      ? `${JSON.stringify(renderJson(plans, { observed: planned.observed, lbctlVersion: LBCTL_VERSION }), null, 2)}\n`
      : renderText(plans, { color: flags.color && deps.colorCapable });
  if (flags.out !== undefined) {
    await writeSavedPlan(flags.out, {
      format: SAVED_PLAN_FORMAT,
      provider,
      clusterName: flags.clusterName,
      settings: { ...planned.settings.values },
      observedFrom: planned.observed,
      services: planned.services.map((s, i) => ({
        plan: plans[i] ?? s.plan,
        observed: s.observed,
        ...(emptiesLiveTargets(s) ? { emptiesTargets: true as const } : {}),
      })),
    });
  }
  deps.stdout(output.endsWith('\n') ? output : `${output}\n`);
  if (flags.out !== undefined && flags.json !== true) {
    deps.stdout(
      `\nSaved the plan to: ${flags.out}\n\nTo perform exactly these actions, run the following command to apply:\n    lbctl apply "${flags.out}"\n`,
    );
  }
  const changes = plans.some(hasChanges);
  return flags.detailedExitcode === true && changes ? 2 : 0;
}
