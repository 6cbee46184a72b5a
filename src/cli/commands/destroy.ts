import type { Command } from 'commander';
import {
  planConfirmExecute,
  withChangeOptions,
  type ChangeFlags,
} from '../planning/change-flow.js';
import { processDeps, type CommandDeps } from '../planning/io.js';
import { withPlanInputs } from './plan.js';
import type { SetExitCode } from './index.js';

export type DestroyFlags = ChangeFlags;

export function registerDestroy(
  program: Command,
  setExitCode: SetExitCode,
  deps: () => CommandDeps = processDeps,
): void {
  withChangeOptions(
    withPlanInputs(
      program
        .command('destroy')
        .description("delete every cloud resource the Services' load balancers own"),
      { required: true },
    ),
  ).action(async (flags: DestroyFlags) => {
    setExitCode(await runDestroy(flags, deps()));
  });
}

export async function runDestroy(flags: DestroyFlags, deps: CommandDeps): Promise<number> {
  return planConfirmExecute(flags, deps, {
    destroy: true,
    verb: 'destroy',
    question: 'Do you really want to destroy all resources?',
    detail:
      'lbctl will destroy every load balancer resource of these Services, as shown above. There is no undo.',
    cancelled: 'Destroy cancelled.',
  });
}
