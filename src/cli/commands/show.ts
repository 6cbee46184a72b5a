import type { Command } from 'commander';
import { renderJson } from '../../render/json.js';
import { renderText } from '../../render/text.js';
import { processDeps, type CommandDeps } from '../planning/io.js';
import { readSavedPlan } from '../planning/saved-plan.js';
import { LBCTL_VERSION } from '../version.js';
import type { SetExitCode } from './index.js';

/** `lbctl show PLANFILE [--json]`: Terraform's `terraform show`, for a plan saved with `-out`. */
export function registerShow(
  program: Command,
  setExitCode: SetExitCode,
  deps: () => CommandDeps = processDeps,
): void {
  program
    .command('show')
    .description('show a plan saved with `lbctl plan -out FILE` (text, or --json)')
    .argument('<planfile>', 'the saved plan')
    .option('--json', 'print it as plan JSON (docs/plan-json.md), as `lbctl plan --json` does')
    .option('--no-color', 'never colour the output')
    .action(async (planfile: string, flags: { json?: boolean; color: boolean }) => {
      setExitCode(await runShow(planfile, flags, deps()));
    });
}

export async function runShow(
  planfile: string,
  flags: { json?: boolean; color: boolean },
  deps: CommandDeps,
): Promise<number> {
  const saved = await readSavedPlan(planfile);
  const plans = saved.services.map((s) => s.plan);
  deps.stdout(
    flags.json === true
      ? `${JSON.stringify(
          renderJson(plans, {
            lbctlVersion: LBCTL_VERSION,
            // Files saved before `observedFrom` existed could only be made against the cloud or a snapshot.
            observed: saved.observedFrom ?? 'cloud',
          }),
          null,
          2,
        )}\n`
      : renderText(plans, { color: flags.color && deps.colorCapable }),
  );
  return 0;
}
