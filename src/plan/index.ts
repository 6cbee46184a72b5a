/**
 * The generic planner: desired vs observed resources → a Plan (src/core/plan.ts). Pure.
 */
import type { Plan, PlanSummary } from '../core/plan.js';

export { plan } from './plan.js';
export type { PlanInput } from './plan.js';
export { simulateApply } from './simulate.js';
export { PlanGraphError } from './errors.js';
export { diffAttributes } from './diff.js';

/** Terraform's counts: a replace is one to add and one to destroy. */
export function summarize(plans: readonly Plan[]): PlanSummary {
  const summary: PlanSummary = { add: 0, change: 0, destroy: 0 };
  for (const p of plans) {
    for (const s of p.steps) {
      if (s.action === 'create' || s.action === 'replace') summary.add++;
      if (s.action === 'delete' || s.action === 'replace') summary.destroy++;
      if (s.action === 'update') summary.change++;
    }
  }
  return summary;
}

/** True when applying the plan would change anything in the cloud. */
export const hasChanges = (p: Plan): boolean => p.steps.some((s) => s.action !== 'no-op');
export { findOrphans, planOrphans } from './orphans.js';
export type { LiveServices, Orphan } from './orphans.js';
export {
  ALLOW_REPLACEMENT_ANNOTATION,
  addressChanges,
  describeBlocked,
  serviceAllowsReplacement,
} from './guard.js';
