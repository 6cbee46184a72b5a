import type { Command } from 'commander';
import { LbctlError } from '../../core/errors.js';
import { planConfirmExecute } from '../planning/change-flow.js';
import { processDeps, type CommandDeps } from '../planning/io.js';
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
  return planConfirmExecute(flags, deps, {
    destroy: true,
    verb: 'destroy',
    question: 'Do you really want to destroy all resources?',
    detail:
      'lbctl will destroy every load balancer resource of these Services, as shown above. There is no undo.',
    cancelled: 'Destroy cancelled.',
  });
}
