import { keyOf } from '../core/k8s.js';
import type { Plan, Step } from '../core/plan.js';
import { sharedSteps, summarizeShared } from './shared.js';
import { changeEntries } from './diff-entries.js';
import type { Style, Symbol } from './style.js';
import { paintSymbol, styleFor } from './style.js';
import type { Entry } from './tree.js';
import { emit, unknownTree, valueEntries } from './tree.js';

export { wantsColor } from './style.js';

export interface TextOptions {
  /** ANSI colours; the CLI passes true only on a TTY without NO_COLOR. */
  color: boolean;
}

const HEADLINE: Record<Exclude<Step['action'], 'no-op'>, [Symbol, string]> = {
  create: ['+', 'will be created'],
  update: ['~', 'will be updated in place'],
  replace: ['-/+', 'must be replaced'],
  delete: ['-', 'will be destroyed'],
};

/**
 * Plans as Terraform-style text: a header per Service, one block per changing resource
 * (`+` create, `~` update in place, `-/+` replace, `-` destroy) with attribute-level
 * differences and the reason, then `Plan: N to add, N to change, N to destroy.` or
 * `No changes. ...`. Unchanged resources are not shown. Pure; ends with a newline.
 */
export function renderText(plans: readonly Plan[], opts: TextOptions): string {
  const style = styleFor(opts.color);
  const out: string[] = [];
  const shared = sharedSteps(plans);
  plans.forEach((plan, i) => {
    out.push(style.bold(`# Service ${keyOf(plan.service)} (provider ${plan.provider})`));
    const changing = plan.steps.filter((s) => s.action !== 'no-op');
    if (changing.length === 0) out.push('', '  No changes for this Service.');
    for (const step of changing) {
      const note = shared.get(`${i}:${step.address}`);
      if (note === undefined) out.push('', ...renderStep(step, style));
      else if (note.kind === 'shown')
        out.push('', `  # ${step.address} is shared: shown under Service ${note.service}`);
      else
        out.push(
          '',
          `  # ${step.address} is shared and stays: Service ${note.service} still uses it`,
        );
    }
    out.push('');
  });
  const { add, change, destroy } = summarizeShared(plans);
  if (add + change + destroy === 0) {
    out.push(
      `${style.green(style.bold('No changes.'))} Your infrastructure matches the configuration.`,
    );
  } else {
    out.push(`${style.bold('Plan:')} ${add} to add, ${change} to change, ${destroy} to destroy.`);
  }
  return `${out.join('\n')}\n`;
}

function renderStep(step: Step, style: Style): string[] {
  if (step.action === 'no-op') return [];
  const [sym, words] = HEADLINE[step.action];
  const resource = step.after ?? step.before;
  const type = resource?.type ?? step.address.slice(0, step.address.indexOf('.'));
  const name = resource?.name ?? step.address.slice(step.address.indexOf('.') + 1);
  const lines = [
    style.bold(`  # ${step.address} ${words}`),
    `  # (${step.reason})`,
    ...addressMarker(step),
    ...adoptionMarker(step),
    `${sym === '-/+' ? '' : '  '}${paintSymbol(sym, style)} resource ${JSON.stringify(type)} ${JSON.stringify(name)} {`,
  ];
  emit(bodyOf(step), 0, style, lines);
  lines.push('    }');
  return lines;
}

/** The replacement guardrail's line: whether the Service's address survives (docs/cli.md). */
function addressMarker(step: Step): string[] {
  const impact = step.addressImpact;
  if (impact === undefined) return [];
  if (impact.changes) {
    return [`  # changes the Service's address (forced by ${impact.forcedBy.join(', ')})`];
  }
  const caveat = impact.caveat === undefined ? '' : `; ${impact.caveat}`;
  return [`  # keeps the Service's address (${impact.keptBy ?? ''}${caveat})`];
}

/** Adoption (Step.adopts): a take-over in place, or a migration step. */
function adoptionMarker(step: Step): string[] {
  if (step.adopts === undefined) return [];
  const migration = step.action === 'replace' || step.action === 'delete';
  return [`  # ${migration ? 'migration step' : 'taken over in place'} (made by ${step.adopts})`];
}

function bodyOf(step: Step): Entry[] {
  switch (step.action) {
    case 'create':
      // A computed attribute the desired resource sets shows its value instead (see valueEntries).
      return valueEntries(step.after?.attributes ?? {}, {
        sym: '+',
        closeSuffix: '',
        unknown: unknownTree(step.computed ?? []),
      });
    case 'delete':
      return valueEntries(step.before?.attributes ?? {}, { sym: '-', closeSuffix: ' -> null' });
    default:
      return changeEntries(step);
  }
}
