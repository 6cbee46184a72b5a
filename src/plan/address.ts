import type { AddressImpact, Step } from '../core/plan.js';
import type { Value } from '../core/resource.js';
import { compareStrings } from './diff.js';
import type { Graph } from './graph.js';
import { deepEqual, valueAt } from './values.js';

/**
 * Marks every `replace` of a resource whose schema `holdsAddress` with what it does to the
 * Service's address (Step.addressImpact). Runs once the plan's actions are final. Pure.
 */
export function markAddressImpact(steps: Map<string, Step>, desired: Graph, observed: Graph): void {
  for (const [address, step] of steps) {
    if (step.action !== 'replace') continue;
    const node = desired.get(address) ?? observed.get(address);
    const holding = node?.schema.holdsAddress;
    if (node === undefined || holding === undefined) continue;
    const forcedBy = [...rootCauses(address, steps, desired, observed)].sort(compareStrings);
    const keptBy = (holding.keptBy ?? []).find((path) =>
      keeps({ step, path, references: node.schema.references ?? [], steps }),
    );
    const impact: AddressImpact =
      keptBy === undefined
        ? { changes: true, forcedBy }
        : {
            changes: false,
            forcedBy,
            keptBy,
            ...(holding.caveat === undefined ? {} : { caveat: holding.caveat }),
          };
    steps.set(address, { ...step, addressImpact: impact });
  }
}

/**
 * The attribute changes that force this replacement: the step's own forcing changes, or, for a
 * replacement cascaded from others (see plan.ts), those of the replaced resources it references
 * or depends on, followed back until resources whose own attributes changed.
 */
function rootCauses(
  start: string,
  steps: ReadonlyMap<string, Step>,
  desired: Graph,
  observed: Graph,
): Set<string> {
  const causes = new Set<string>();
  const seen = new Set<string>();
  const visit = (address: string): void => {
    if (seen.has(address)) return;
    seen.add(address);
    const step = steps.get(address);
    if (step === undefined || step.action !== 'replace') return;
    const own = step.changes.filter((c) => c.forcesReplacement);
    if (own.length > 0) {
      for (const c of own) causes.add(`${address}.${c.path}`);
      return;
    }
    const upstream = new Set([
      ...(desired.get(address)?.deps ?? []),
      ...(observed.get(address)?.deps ?? []),
    ]);
    for (const dep of upstream) visit(dep);
  };
  visit(start);
  // A replacement promoted only to break an ordering cycle has no forcing change anywhere.
  if (causes.size === 0) causes.add(`${start} (replaced to order the plan)`);
  return causes;
}

function keeps(o: {
  step: Step;
  path: string;
  references: readonly string[];
  steps: ReadonlyMap<string, Step>;
}): boolean {
  const before =
    o.step.before === undefined ? undefined : valueAt(o.step.before.attributes, o.path);
  const after = o.step.after === undefined ? undefined : valueAt(o.step.after.attributes, o.path);
  if (isEmpty(after) || !deepEqual(before, after)) return false;
  if (!o.references.includes(o.path)) return true;
  // A referenced resource that is itself replaced or deleted takes the address with it; one
  // outside the graph (a cloud ID lbctl does not manage) stays.
  const targets = (Array.isArray(after) ? after : [after]).filter(
    (v): v is string => typeof v === 'string',
  );
  return targets.every((t) => {
    const action = o.steps.get(t)?.action;
    return action === undefined || action === 'no-op' || action === 'update';
  });
}

const isEmpty = (v: Value | undefined): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * Marks the steps whose observed resource another controller made (Resource.foreign): taken over
 * in place when updated (the diff adds the ownership tags desired carries), a migration step
 * when replaced or deleted. Pure.
 */
export function markAdoptions(steps: Map<string, Step>): void {
  for (const [address, step] of steps) {
    const madeBy = step.before?.foreign?.madeBy;
    if (madeBy === undefined) continue;
    const how =
      step.action === 'replace' || step.action === 'delete'
        ? `made by ${madeBy}, cannot be taken over as it is`
        : `adopted from ${madeBy}`;
    const note = step.before?.foreign?.note;
    const reason = `${how}; ${note === undefined ? '' : `${note}; `}${step.reason}`;
    steps.set(address, { ...step, adopts: madeBy, reason });
  }
}
