import type { Command } from 'commander';
import { LbctlError } from '../../core/errors.js';
import { hasChanges } from '../../plan/index.js';
import { renderText } from '../../render/text.js';
import { parseProviderName } from '../providers.js';
import { executePlans, formatCalls } from './execute.js';
import { DEFAULT_PARALLELISM, planFromFiles } from './from-files.js';
import { refuseAddressChanges } from './guard.js';
import { describeInputs, expandFileArgs, recursionHint } from './inputs.js';
import { confirm, refuseUnattended, type CommandDeps } from './io.js';
import { planWarnings, refuseEmptyTargets } from './truth.js';

/** The flags `lbctl apply -f` and `lbctl destroy` share once their own checks have passed. */
export interface ChangeFlags {
  filename: string[];
  provider: string;
  clusterName: string;
  set: string[];
  /** Refused: apply and destroy always read the cloud. */
  observed?: string;
  color: boolean;
  autoApprove?: boolean;
  showCalls?: boolean;
  parallelism?: number;
  /** apply only: carry out replacements that change a Service's address (./guard.ts). */
  allowReplacement?: boolean;
  recursive?: boolean;
  /** Apply an empty target set to a live load balancer (no eligible Node) instead of refusing. */
  allowEmptyTargets?: boolean;
  skipInvalid?: boolean;
}

/** The options apply and destroy add to the plan inputs. */
export function withChangeOptions(command: Command): Command {
  return command
    .option('--auto-approve', 'do not ask for confirmation')
    .option('--show-calls', 'print the cloud calls made, by operation and outcome');
}

/** What tells apply and destroy apart: the plan's direction and the words shown to the user. */
export interface ChangeKind {
  destroy: boolean;
  /** `apply` or `destroy`: names the command in messages. */
  verb: string;
  question: string;
  detail: string;
  cancelled: string;
}

/**
 * Refuses `--observed`, plans against the cloud, shows the plan, asks for confirmation when something would change,
 * then makes the changes and prints the summary (and the cloud calls with `--show-calls`).
 * Returns the exit code: 1 when the user declined, 0 otherwise; failures are thrown.
 */
export async function planConfirmExecute(
  flags: ChangeFlags,
  deps: CommandDeps,
  kind: ChangeKind,
): Promise<number> {
  if (flags.observed !== undefined) {
    throw new LbctlError(
      'invalid',
      `--observed is for offline plans; ${kind.verb} always reads the cloud`,
    );
  }
  refuseUnattended(deps, flags.autoApprove === true);
  const planned = await planFromFiles({
    files: await expandFileArgs(flags.filename, { recursive: flags.recursive === true }),
    provider: parseProviderName(flags.provider),
    clusterName: flags.clusterName,
    set: flags.set,
    env: deps.env,
    connect: 'always',
    ...(flags.parallelism === undefined ? {} : { parallelism: flags.parallelism }),
    ...(flags.skipInvalid === true ? { skipInvalid: true } : {}),
    destroy: kind.destroy,
    ...(deps.readStdin === undefined ? {} : { stdin: deps.readStdin }),
    loadProvider: deps.loadProvider,
    notice: (line) => deps.stderr(`${line}\n`),
  });
  for (const w of planWarnings(
    planned.services,
    `${describeInputs(flags.filename)}${await recursionHint(flags.filename, { recursive: flags.recursive === true })}`,
  ))
    deps.stderr(`${w}\n`);
  if (!kind.destroy) refuseEmptyTargets(planned.services, flags.allowEmptyTargets === true);
  const plans = planned.services.map((s) => s.plan);
  deps.stdout(renderText(plans, { color: flags.color && deps.colorCapable }));
  const provider = planned.provider;
  if (provider === undefined) {
    throw new LbctlError('terminal', `no cloud connection to ${kind.verb} with`);
  }
  if (!kind.destroy) refuseAddressChanges(planned.services, flags.allowReplacement === true);
  if (plans.some(hasChanges)) {
    const approved = await confirm(deps, {
      title: kind.question,
      detail: kind.detail,
      autoApprove: flags.autoApprove === true,
    });
    if (!approved) {
      deps.stderr(`\n${kind.cancelled}\n`);
      return 1;
    }
  }
  deps.stdout('\n');
  await executePlans(planned.services, provider, {
    deps,
    clusterName: flags.clusterName,
    destroy: kind.destroy,
    parallelism: flags.parallelism ?? DEFAULT_PARALLELISM,
  });
  if (flags.showCalls === true) deps.stdout(formatCalls(planned.calls));
  return 0;
}
