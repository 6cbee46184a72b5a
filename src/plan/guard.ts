import { InvalidInputError } from '../core/errors.js';
import { keyOf } from '../core/k8s.js';
import type { Plan, Step } from '../core/plan.js';

/**
 * The replacement guardrail, shared by the controller and `lbctl apply`: a plan that replaces a
 * resource holding the Service's address, without keeping the address, is not carried out unless
 * the Service or the operator allows it (docs/cli.md, "Replacement guardrails"). Pure.
 */
export const ALLOW_REPLACEMENT_ANNOTATION = 'lbctl.io/allow-replacement';

/** The replacements of a plan that change the Service's address. */
export const addressChanges = (p: Plan): Step[] =>
  p.steps.filter((s) => s.action === 'replace' && s.addressImpact?.changes === true);

/**
 * Whether the Service allows a replacement that changes its address: the annotation
 * `lbctl.io/allow-replacement: "true"`. Any value other than "true" or "false" is refused,
 * naming the annotation, so that a typo never silently allows or blocks.
 */
export function serviceAllowsReplacement(o: {
  service: { namespace: string; name: string };
  annotations: Readonly<Record<string, string>> | undefined;
}): boolean {
  const value = o.annotations?.[ALLOW_REPLACEMENT_ANNOTATION];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidInputError(`Service ${keyOf(o.service)}`, [
    {
      type: 'Invalid',
      field: `metadata.annotations[${ALLOW_REPLACEMENT_ANNOTATION}]`,
      value,
      detail: 'must be "true" or "false"',
    },
  ]);
}

/** What a blocked replacement is, the field(s) forcing it, and how to allow it, in one line. */
export function describeBlocked(plan: Plan, allowHow: string): string {
  const parts = addressChanges(plan).map((s) => {
    const forced = s.addressImpact?.forcedBy ?? [];
    return `${s.address} (forced by ${forced.map((f) => changeOf(plan, f)).join(', ')})`;
  });
  return (
    `Replacement blocked: replacing ${parts.join('; ')} would change the Service's address; ` +
    `the running load balancer is left as it is. To allow it, ${allowHow}`
  );
}

/** `aws_lb.this.scheme: "internet-facing" -> "internal"`: the forcing change with its values. */
function changeOf(plan: Plan, forced: string): string {
  const own = plan.steps
    .flatMap((s) => s.changes.map((c) => ({ key: `${s.address}.${c.path}`, c })))
    .find((x) => x.key === forced)?.c;
  if (own === undefined) return forced;
  const show = (v: unknown) => (v === undefined ? 'null' : JSON.stringify(v));
  return `${forced}: ${show(own.before)} -> ${show(own.after)}`;
}
