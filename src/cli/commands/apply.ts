import type { Command } from 'commander';
import { LbctlError } from '../../core/errors.js';
import { executePlans, formatCalls } from '../planning/execute.js';
import {
  planConfirmExecute,
  withChangeOptions,
  type ChangeFlags,
} from '../planning/change-flow.js';
import { DEFAULT_PARALLELISM } from '../planning/from-files.js';
import { observeAll } from '../planning/observe-all.js';
import { refuseAddressChanges } from '../planning/guard.js';
import { refuseEmptyTargets } from '../planning/truth.js';
import { ADOPT_HELP, withAdoption } from '../planning/adopt.js';
import { processDeps, type CommandDeps } from '../planning/io.js';
import { desiredOf, readSavedPlan, serviceLabel, stateDrift } from '../planning/saved-plan.js';
import { settingsFrom } from '../providers.js';
import { createCallLog } from '../../core/calls.js';
import { checkSavedOrphans } from '../planning/orphans.js';
import { withPlanInputs } from './plan.js';
import type { SetExitCode } from './index.js';
import { retryNotices } from '../planning/retry-notices.js';

/** `-f` and `--provider` are needed unless a saved plan file is given. */
export interface ApplyFlags extends Omit<ChangeFlags, 'filename' | 'provider'> {
  filename?: string[];
  provider?: string;
}

export function registerApply(
  program: Command,
  setExitCode: SetExitCode,
  deps: () => CommandDeps = processDeps,
): void {
  withChangeOptions(
    withPlanInputs(
      program
        .command('apply')
        .argument('[planfile]', 'a plan saved by `lbctl plan -out FILE`: apply exactly it')
        .description('plan, ask for confirmation, and make the changes in the cloud'),
      { required: false },
    ),
  )
    .option('--allow-replacement', "carry out replacements that change a Service's address")
    .option(
      '--allow-empty-targets',
      'go ahead when a live load balancer would be left with no targets (no eligible Node)',
    )
    .option('--adopt', ADOPT_HELP)
    .action(async (planfile: string | undefined, flags: ApplyFlags & { adopt?: boolean }) => {
      setExitCode(await runApply(planfile, flags, withAdoption(deps(), flags.adopt)));
    });
}

export async function runApply(
  planfile: string | undefined,
  flags: ApplyFlags,
  deps: CommandDeps,
): Promise<number> {
  if (planfile !== undefined) return applySaved(planfile, flags, deps);
  if (flags.filename === undefined || flags.provider === undefined) {
    throw new LbctlError(
      'invalid',
      'apply needs either a saved plan file, or -f PATH and --provider NAME',
    );
  }
  return planConfirmExecute(
    { ...flags, filename: flags.filename, provider: flags.provider },
    deps,
    {
      destroy: false,
      verb: 'apply',
      question: 'Do you want to perform these actions?',
      detail: 'lbctl will perform the actions described above.',
      cancelled: 'Apply cancelled.',
    },
  );
}

/**
 * Applies a saved plan exactly, with no question asked (the plan was reviewed when saved), after
 * re-observing every Service: if anything differs from the state the plan was made against, the
 * plan may no longer be right, so it is refused and nothing is changed.
 */
async function applySaved(path: string, flags: ApplyFlags, deps: CommandDeps): Promise<number> {
  if (flags.filename !== undefined || flags.observed !== undefined) {
    throw new LbctlError(
      'invalid',
      'a saved plan is applied as it is: do not pass -f or --observed with it',
    );
  }
  const saved = await readSavedPlan(path);
  if (flags.provider !== undefined && flags.provider !== saved.provider) {
    throw new LbctlError(
      'invalid',
      `${path} is a plan for provider ${saved.provider}, not ${flags.provider}`,
    );
  }
  const module = await deps.loadProvider(saved.provider);
  const settings = settingsFrom({
    clusterName: saved.clusterName,
    set: Object.entries(saved.settings).map(([k, v]) => `${k}=${v}`),
    env: deps.env,
  });
  const calls = createCallLog();
  retryNotices(calls.onRecord, (line) => deps.stderr(`${line}\n`));
  const provider = await module.connect(settings, { calls });
  const ctx = { clusterName: saved.clusterName };
  const drift: string[] = [];
  if (saved.orphans === true)
    drift.push(...(await checkSavedOrphans(saved.services, provider, saved.clusterName)));
  const checked = saved.orphans === true ? [] : saved.services;
  // Seen as the plan saw it (observeAll), so a shared object compares like for like.
  const current = await observeAll(
    provider,
    checked.map(({ plan }) => ({ service: plan.service, desired: desiredOf(plan) })),
    {
      ctx,
      parallelism: flags.parallelism ?? DEFAULT_PARALLELISM,
      providerName: saved.provider,
    },
  );
  checked.forEach(({ plan, observed }, i) => {
    const lines = stateDrift(observed, current[i] ?? []);
    if (lines.length > 0) drift.push(`${serviceLabel(plan)}: ${lines.join(', ')}`);
  });
  if (drift.length > 0) {
    throw new LbctlError(
      'conflict',
      `${path}: the cloud changed since this plan was saved (${drift.join('; ')}); nothing was changed. Run lbctl plan -out again`,
    );
  }
  refuseEmptyTargets(
    saved.services.map((s) => ({
      service: s.plan.service,
      emptiesTargets: s.emptiesTargets === true,
    })),
    flags.allowEmptyTargets === true,
  );
  refuseAddressChanges(saved.services, flags.allowReplacement === true);
  await executePlans(saved.services, provider, {
    deps,
    clusterName: saved.clusterName,
    destroy: false,
    parallelism: flags.parallelism ?? DEFAULT_PARALLELISM,
  });
  if (flags.showCalls === true) deps.stdout(formatCalls(calls));
  return 0;
}
