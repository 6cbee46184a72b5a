import { keyOf } from '../core/k8s.js';
import type { Plan, PlanSummary, Step } from '../core/plan.js';

/**
 * Cloud objects that several Services' plans touch: the same type and cloud name (Azure's
 * cluster load balancer, shared by every Service of a scheme). Each Service plans it, but it is
 * one object: the summary counts it once and the text shows it once, under the first Service.
 * Returns, for every later occurrence (`planIndex:address`), the Service that shows it. Pure.
 */
export function sharedSteps(plans: readonly Plan[]): Map<string, string> {
  const first = new Map<string, string>();
  const later = new Map<string, string>();
  plans.forEach((plan, i) => {
    for (const step of plan.steps) {
      const key = objectKey(step);
      if (key === undefined) continue;
      const owner = first.get(key);
      if (owner === undefined) first.set(key, keyOf(plan.service));
      else later.set(`${i}:${step.address}`, owner);
    }
  });
  return later;
}

/** Terraform's counts (a replace adds one and destroys one), each shared object counted once. */
export function summarizeShared(plans: readonly Plan[]): PlanSummary {
  const later = sharedSteps(plans);
  const summary: PlanSummary = { add: 0, change: 0, destroy: 0 };
  plans.forEach((plan, i) => {
    for (const s of plan.steps) {
      if (later.has(`${i}:${s.address}`)) continue;
      if (s.action === 'create' || s.action === 'replace') summary.add++;
      if (s.action === 'delete' || s.action === 'replace') summary.destroy++;
      if (s.action === 'update') summary.change++;
    }
  });
  return summary;
}

/** The same action on the same cloud object (type and cloud name); undefined for no-ops and nameless resources. */
function objectKey(step: Step): string | undefined {
  if (step.action === 'no-op') return undefined;
  const r = step.after ?? step.before;
  const name = r?.attributes['name'];
  if (r === undefined || typeof name !== 'string' || name === '') return undefined;
  return `${r.type}\u0000${name}\u0000${step.action}`;
}
