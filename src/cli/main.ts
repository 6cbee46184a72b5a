import { Command, CommanderError } from 'commander';
import { isLbctlError } from '../core/errors.js';
import { COMMANDS, registerCommands } from './commands/index.js';
import { terraformSpellings } from './terraform-flags.js';
import { LBCTL_VERSION } from './version.js';

/**
 * lbctl's command line. Each command lives in its own module under ./commands and is
 * registered by ./commands/index.ts; this file only wires the program and maps errors to
 * exit codes (0 success, 1 error, 2 "changes present" for --detailed-exitcode).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('lbctl')
    .description('Provision cloud load balancers for Kubernetes Services of type LoadBalancer')
    .version(`lbctl ${LBCTL_VERSION}`, '--version', 'print the lbctl version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let exitCode = 0;
  try {
    await registerCommands(program, (code) => (exitCode = code), wantedCommands(argv));
    await program.parseAsync(terraformSpellings(argv, longOptionNames(program)), {
      from: 'user',
    });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    process.stderr.write(`Error: ${isLbctlError(e) ? e.message : describe(e)}\n`);
    return 1;
  }
}

/** The command named on the line (`lbctl help plan` names plan); `completion` needs them all. */
function wantedCommands(argv: readonly string[]): Set<string> {
  const first = argv[0] === 'help' ? argv[1] : argv[0];
  if (first === 'completion') return new Set(COMMANDS.map((c) => c.name));
  return new Set(first === undefined ? [] : [first]);
}

/** Every long option of the registered commands, without its dashes (`no-color`, `out`). */
export function longOptionNames(program: Command): Set<string> {
  const names = new Set<string>(['help']);
  for (const command of [program, ...program.commands]) {
    for (const option of command.options) {
      if (option.long !== undefined) names.add(option.long.replace(/^--/, ''));
    }
  }
  return names;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
