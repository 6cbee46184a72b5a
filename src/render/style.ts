/** ANSI styling for plan text; every function is the identity when colour is off. */
export interface Style {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  bold(s: string): string;
}

const wrap =
  (code: number) =>
  (s: string): string =>
    `\u001b[${code}m${s}\u001b[0m`;

const PLAIN: Style = { green: (s) => s, yellow: (s) => s, red: (s) => s, bold: (s) => s };
const ANSI: Style = { green: wrap(32), yellow: wrap(33), red: wrap(31), bold: wrap(1) };

export const styleFor = (color: boolean): Style => (color ? ANSI : PLAIN);

/**
 * Whether plan text should be coloured: only on a terminal, and never when `NO_COLOR` is set to
 * a non-empty value (no-color.org) or `TERM=dumb`. The CLI passes `process.stdout` and
 * `process.env`; kept here so the rule is tested once.
 */
export function wantsColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (stream.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

/** The change symbols, Terraform's: `+` create, `~` update, `-` destroy, `-/+` replace. */
export type Symbol = '+' | '~' | '-' | '-/+' | ' ';

export function paintSymbol(sym: Symbol, style: Style): string {
  switch (sym) {
    case '+':
      return style.green(sym);
    case '~':
      return style.yellow(sym);
    case '-':
      return style.red(sym);
    case '-/+':
      return `${style.red('-')}/${style.green('+')}`;
    default:
      return sym;
  }
}
