import type { Command } from 'commander';
import { registerApply } from './apply.js';
import { registerDemo } from './demo.js';
import { registerDestroy } from './destroy.js';
import { registerPlan } from './plan.js';
import { registerRun } from './run.js';
import { registerSandbox } from './sandbox.js';

/** Sets the process exit code for commands whose success has several codes (--detailed-exitcode). */
export type SetExitCode = (code: number) => void;

/** Every lbctl command, one module each; add new ones here. */
export function registerCommands(program: Command, setExitCode: SetExitCode): void {
  program
    .command('version')
    .description('print the lbctl version')
    .action(() => {
      process.stdout.write('lbctl 0.1.0\n');
      setExitCode(0);
    });
  registerSandbox(program, setExitCode);
  registerPlan(program, setExitCode);
  registerApply(program, setExitCode);
  registerDestroy(program, setExitCode);
  registerRun(program, setExitCode);
  registerDemo(program, setExitCode);
}
