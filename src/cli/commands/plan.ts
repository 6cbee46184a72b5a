import type { Command } from 'commander';
import { hasChanges } from '../../plan/index.js';
import { renderJson } from '../../render/json.js';
import { renderText } from '../../render/text.js';
import { DEFAULT_PARALLELISM, planFromFiles } from '../planning/from-files.js';
import { InvalidInputError } from '../../core/errors.js';
import { processDeps, type CommandDeps } from '../planning/io.js';
import { SAVED_PLAN_FORMAT, writeSavedPlan } from '../planning/saved-plan.js';
import { parseProviderName } from '../providers.js';
import type { SetExitCode } from './index.js';

export interface PlanFlags {
  filename: string[];
  provider: string;
  clusterName: string;
  json?: boolean;
  detailedExitcode?: boolean;
  observed?: string;
  set: string[];
  out?: string;
  offline?: boolean;
  parallelism?: number;
  color: boolean;
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
  add('-f, --filename <path>', 'manifest file or folder (YAML or JSON); repeatable', collect);
  add('--provider <name>', 'aws, gcp or azure');
  return command
    .option('--cluster-name <name>', 'the cluster name in ownership tags', 'kubernetes')
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
    .option('--no-color', 'never colour the output');
}

function parseParallelism(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidInputError('option --parallelism', [
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
    program.command('plan').description('show what apply would change, without changing anything'),
    {
      required: true,
    },
  )
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
    .action(async (flags: PlanFlags) => {
      setExitCode(await runPlan(flags, deps()));
    });
}

export async function runPlan(flags: PlanFlags, deps: CommandDeps): Promise<number> {
  const provider = parseProviderName(flags.provider);
  const planned = await planFromFiles({
    files: flags.filename,
    provider,
    clusterName: flags.clusterName,
    set: flags.set,
    env: deps.env,
    ...(flags.observed === undefined ? {} : { observedFile: flags.observed }),
    connect: flags.offline === true ? 'never' : 'if-configured',
    ...(flags.parallelism === undefined ? {} : { parallelism: flags.parallelism }),
    loadProvider: deps.loadProvider,
    notice: (line) => deps.stderr(`${line}\n`),
  });
  const plans = planned.services.map((s) => s.plan);
  // Everything is validated and planned before the first byte goes to stdout.
  const output =
    flags.json === true
      ? `${JSON.stringify(renderJson(plans), null, 2)}\n`
      : renderText(plans, { color: flags.color && deps.colorCapable });
  if (flags.out !== undefined) {
    await writeSavedPlan(flags.out, {
      format: SAVED_PLAN_FORMAT,
      provider,
      clusterName: flags.clusterName,
      settings: { ...planned.settings.values },
      services: planned.services.map((s) => ({ plan: s.plan, observed: s.observed })),
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
