import type { Command } from 'commander';
import { LBCTL_VERSION } from '../version.js';

/** Sets the process exit code for commands whose success has several codes (--detailed-exitcode). */
export type SetExitCode = (code: number) => void;

type Register = (program: Command, setExitCode: SetExitCode) => void;

interface CommandEntry {
  name: string;
  /** Shown by `lbctl --help` before the command's module is loaded. */
  summary: string;
  load: () => Promise<Register>;
}

/**
 * Every lbctl command, one module each, loaded only when it runs: `lbctl version` and
 * `lbctl plan --offline` never load the Kubernetes client or the controller. Add new ones here.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'sandbox',
    summary: 'run a local Kubernetes API server on 127.0.0.1 for kubectl and lbctl',
    load: async () => (await import('./sandbox.js')).registerSandbox,
  },
  {
    name: 'plan',
    summary: 'show what apply would change, without changing anything',
    load: async () => (await import('./plan.js')).registerPlan,
  },
  {
    name: 'apply',
    summary: 'plan, ask for confirmation, and make the changes in the cloud',
    load: async () => (await import('./apply.js')).registerApply,
  },
  {
    name: 'destroy',
    summary: "delete every cloud resource the Services' load balancers own",
    load: async () => (await import('./destroy.js')).registerDestroy,
  },
  {
    name: 'show',
    summary: 'show a plan saved with `lbctl plan -out FILE` (text, or --json)',
    load: async () => (await import('./show.js')).registerShow,
  },
  {
    name: 'run',
    summary: 'reconcile LoadBalancer Services of a cluster continuously (the controller)',
    load: async () => (await import('./run.js')).registerRun,
  },
  {
    name: 'demo',
    summary: 'run lbctl end to end on an embedded API server and an in-memory cloud',
    load: async () => (await import('./demo.js')).registerDemo,
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash or zsh)',
    load: async () => (await import('./completion.js')).registerCompletion,
  },
];

/**
 * Registers `version` and, fully, the commands in `wanted` (their modules are imported);
 * every other command is listed by name and summary only, for `lbctl --help`.
 */
export async function registerCommands(
  program: Command,
  setExitCode: SetExitCode,
  wanted: ReadonlySet<string>,
): Promise<void> {
  program
    .command('version')
    .description('print the lbctl version')
    .action(() => {
      process.stdout.write(`lbctl ${LBCTL_VERSION}\n`);
      setExitCode(0);
    });
  for (const entry of COMMANDS) {
    if (wanted.has(entry.name)) (await entry.load())(program, setExitCode);
    else program.command(entry.name).description(entry.summary);
  }
}
