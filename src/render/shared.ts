import { keyOf } from '../core/k8s.js';
import type { Plan, PlanSummary, Step } from '../core/plan.js';
import { sharedObjectKey } from '../plan/shared.js';

/** How a Service's step on a shared object is shown instead of in full. */
export interface SharedNote {
  /** `shown`: the same change is shown under `service`; `kept`: `service` still uses the object, so it is not deleted. */
  kind: 'shown' | 'kept';
  service: string;
}

/**
 * Cloud objects that several Services' plans hold: the same address, type and cloud name
 * (Azure's cluster load balancer, shared by every Service of a scheme). Each Service plans it,
 * but it is one object: a change is shown and counted once, under the first Service; a
 * deletion planned by one Service while another keeps the object is no deletion. Returns a
 * note for every step not to show in full, by `planIndex:address`. Pure.
 */
export function sharedSteps(plans: readonly Plan[]): Map<string, SharedNote> {
  const holders = new Map<string, { service: string; action: Step['action'] }[]>();
  plans.forEach((plan) => {
    for (const step of plan.steps) {
      const key = objectKey(step);
      if (key === undefined) continue;
      const list = holders.get(key) ?? [];
      list.push({ service: keyOf(plan.service), action: step.action });
      holders.set(key, list);
    }
  });
  const notes = new Map<string, SharedNote>();
  const shown = new Map<string, string>();
  plans.forEach((plan, i) => {
    for (const step of plan.steps) {
      const key = objectKey(step);
      const list = key === undefined ? undefined : holders.get(key);
      if (key === undefined || list === undefined || list.length < 2 || step.action === 'no-op')
        continue;
      const keeper = list.find((h) => h.action !== 'delete');
      if (step.action === 'delete' && keeper !== undefined) {
        notes.set(`${i}:${step.address}`, { kind: 'kept', service: keeper.service });
        continue;
      }
      const first = shown.get(`${key}\u0000${step.action}`);
      if (first === undefined) shown.set(`${key}\u0000${step.action}`, keyOf(plan.service));
      else notes.set(`${i}:${step.address}`, { kind: 'shown', service: first });
    }
  });
  return notes;
}

/** Terraform's counts (a replace adds one and destroys one), each shared object counted once. */
export function summarizeShared(plans: readonly Plan[]): PlanSummary {
  const notes = sharedSteps(plans);
  const summary: PlanSummary = { add: 0, change: 0, destroy: 0 };
  plans.forEach((plan, i) => {
    for (const s of plan.steps) {
      if (notes.has(`${i}:${s.address}`)) continue;
      if (s.action === 'create' || s.action === 'replace') summary.add++;
      if (s.action === 'delete' || s.action === 'replace') summary.destroy++;
      if (s.action === 'update') summary.change++;
    }
  });
  return summary;
}

/** The cloud object a step acts on (address, type and cloud name); undefined for nameless resources. */
function objectKey(step: Step): string | undefined {
  const r = step.after ?? step.before;
  return r === undefined ? undefined : sharedObjectKey(r);
}
