import { createInterface } from 'node:readline/promises';
import { LbctlError } from '../../core/errors.js';
import { loadProvider, type ProviderLoader } from '../providers.js';
import { readProcessStdin } from './inputs.js';
import { wantsColor } from '../../render/text.js';

/** Everything a command touches outside itself, so commands run in tests without a process. */
export interface CommandDeps {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdin and stdout are a terminal someone can answer on. */
  interactive: boolean;
  /** Whether stdout shows colours (a TTY without NO_COLOR). */
  colorCapable: boolean;
  ask: (question: string) => Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  /** All of standard input, for `-f -`; absent where there is none (tests). */
  readStdin?: () => Promise<string>;
  loadProvider: ProviderLoader;
  now: () => number;
  /** Calls `tick` every `ms` until the returned stop is called (apply's heartbeat); default setInterval. */
  every?: (ms: number, tick: () => void) => () => void;
  /**
   * Traps interrupts while cloud changes run: the first one asks for a graceful stop (the step
   * in flight finishes), a second one exits at once. `release` removes the trap.
   */
  trapInterrupts: () => { signal: AbortSignal; release: () => void };
}

export function processDeps(): CommandDeps {
  const env = process.env;
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    interactive: process.stdin.isTTY && process.stdout.isTTY,
    colorCapable: wantsColor(process.stdout, env),
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    env,
    readStdin: readProcessStdin,
    loadProvider,
    now: () => performance.now(),
    trapInterrupts: () => {
      const controller = new AbortController();
      const onSignal = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write(
          '\nInterrupt received. Waiting for the step in flight to finish, then stopping (again to quit at once)...\n',
        );
        controller.abort(new Error('interrupted'));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      return {
        signal: controller.signal,
        release: () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        },
      };
    },
  };
}

/**
 * Terraform's confirmation: only the exact answer `yes` goes ahead. Without a terminal there
 * is nobody to ask, so the command refuses instead of hanging or assuming yes.
 */
export async function confirm(
  deps: CommandDeps,
  options: { title: string; detail: string; autoApprove: boolean },
): Promise<boolean> {
  if (options.autoApprove) return true;
  refuseUnattended(deps, false);
  const answer = await deps.ask(
    `\n${options.title}\n  ${options.detail}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `,
  );
  return answer.trim() === 'yes';
}

/**
 * Checked before any cloud call: with nobody to answer the question, fail at once rather than
 * after observing everything.
 */
export function refuseUnattended(deps: CommandDeps, autoApprove: boolean): void {
  if (autoApprove || deps.interactive) return;
  throw new LbctlError(
    'invalid',
    'no terminal to confirm the changes on: run the command in a terminal, or pass --auto-approve to apply without asking',
  );
}
