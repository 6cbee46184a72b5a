import type { Command } from 'commander';
import { LbctlError } from '../../core/errors.js';
import { hasChanges } from '../../plan/index.js';
import { renderText } from '../../render/text.js';
import { executePlans, formatCalls } from '../planning/execute.js';
import { DEFAULT_PARALLELISM, planFromFiles } from '../planning/from-files.js';
import { confirm, processDeps, refuseUnattended, type CommandDeps } from '../planning/io.js';
import { parseProviderName } from '../providers.js';
import { withPlanInputs } from './plan.js';
import type { SetExitCode } from './index.js';

export interface DestroyFlags {
  filename: string[];
  provider: string;
  clusterName: string;
  set: string[];
  observed?: string;
  color: boolean;
  autoApprove?: boolean;
  showCalls?: boolean;
  parallelism?: number;
}

export function registerDestroy(
  program: Command,
  setExitCode: SetExitCode,
  deps: () => CommandDeps = processDeps,
): void {
  withPlanInputs(
    program
      .command('destroy')
      .description("delete every cloud resource the Services' load balancers own"),
    { required: true },
  )
    .option('--auto-approve', 'do not ask for confirmation')
    .option('--show-calls', 'print the cloud calls made, by operation and outcome')
    .action(async (flags: DestroyFlags) => {
      setExitCode(await runDestroy(flags, deps()));
    });
}

export async function runDestroy(flags: DestroyFlags, deps: CommandDeps): Promise<number> {
  if (flags.observed !== undefined) {
    throw new LbctlError(
      'invalid',
      '--observed is for offline plans; destroy always reads the cloud',
    );
  }
  refuseUnattended(deps, flags.autoApprove === true);
  const planned = await planFromFiles({
    files: flags.filename,
    provider: parseProviderName(flags.provider),
    clusterName: flags.clusterName,
    set: flags.set,
    env: deps.env,
    connect: 'always',
    ...(flags.parallelism === undefined ? {} : { parallelism: flags.parallelism }),
    destroy: true,
    loadProvider: deps.loadProvider,
    notice: (line) => deps.stderr(`${line}\n`),
  });
  const plans = planned.services.map((s) => s.plan);
  deps.stdout(renderText(plans, { color: flags.color && deps.colorCapable }));
  const provider = planned.provider;
  if (provider === undefined)
    throw new LbctlError('terminal', 'no cloud connection to destroy with');
  if (plans.some(hasChanges)) {
    const approved = await confirm(deps, {
      title: 'Do you really want to destroy all resources?',
      detail:
        'lbctl will destroy every load balancer resource of these Services, as shown above. There is no undo.',
      autoApprove: flags.autoApprove === true,
    });
    if (!approved) {
      deps.stderr('\nDestroy cancelled.\n');
      return 1;
    }
  }
  deps.stdout('\n');
  await executePlans(planned.services, provider, {
    deps,
    clusterName: flags.clusterName,
    destroy: true,
    parallelism: flags.parallelism ?? DEFAULT_PARALLELISM,
  });
  if (flags.showCalls === true) deps.stdout(formatCalls(planned.calls));
  return 0;
}
