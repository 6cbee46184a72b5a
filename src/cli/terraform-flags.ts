import { LbctlError } from '../core/errors.js';

/**
 * Terraform options lbctl does not have. Written with one dash they would otherwise be read as
 * a short option and its value (`-lock=false` as `-l ock=false`, a label selector).
 */
const TERRAFORM_ONLY = new Set([
  'backup',
  'compact-warnings',
  'destroy',
  'generate-config-out',
  'input',
  'lock',
  'lock-timeout',
  'refresh',
  'refresh-only',
  'replace',
  'state',
  'state-out',
  'target',
  'var',
  'var-file',
]);

/**
 * Terraform spells long options with one dash (`-no-color`, `-json`, `-out=FILE`,
 * `-auto-approve`, `-detailed-exitcode`); commander would read `-no-color` as `-n o-color`.
 * A single-dash word naming one of lbctl's long options becomes that option; a Terraform option
 * lbctl does not have is refused by name; anything else (`-n web`, `-lapp=web`) is left to
 * commander's short options. Nothing after `--` is touched. Pure.
 */
export function terraformSpellings(
  args: readonly string[],
  longNames: ReadonlySet<string>,
): string[] {
  const end = args.indexOf('--');
  return args.map((arg, i) => {
    if (end !== -1 && i > end) return arg;
    const m = /^-([a-z][a-z0-9-]+)(=.*)?$/.exec(arg);
    if (m === null) return arg;
    const name = m[1] as string;
    if (longNames.has(name)) return `--${name}${m[2] ?? ''}`;
    if (TERRAFORM_ONLY.has(name)) {
      throw new LbctlError(
        'invalid',
        `${arg} is Terraform's -${name} option; lbctl has no such option (lbctl's long options take two dashes; see --help)`,
      );
    }
    return arg;
  });
}
