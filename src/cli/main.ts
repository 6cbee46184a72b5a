import { Command, CommanderError } from 'commander';
import { isLbctlError } from '../core/errors.js';
import { registerCommands } from './commands/index.js';

/**
 * lbctl's command line. Each command lives in its own module under ./commands and is
 * registered by ./commands/index.ts; this file only wires the program and maps errors to
 * exit codes (0 success, 1 error, 2 "changes present" for --detailed-exitcode).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('lbctl')
    .description('Provision cloud load balancers for Kubernetes Services of type LoadBalancer')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let exitCode = 0;
  registerCommands(program, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv.map(terraformFlag), { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    process.stderr.write(`Error: ${isLbctlError(e) ? e.message : describe(e)}\n`);
    return 1;
  }
}

/** Terraform spells it `-out FILE` / `-out=FILE`; commander's short flags are one letter. */
const terraformFlag = (arg: string): string =>
  arg === '-out' ? '--out' : arg.startsWith('-out=') ? `--out=${arg.slice(5)}` : arg;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
