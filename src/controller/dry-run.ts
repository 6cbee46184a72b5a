import type { Service } from '../core/k8s.js';
import type { Plan } from '../core/plan.js';
import { summarize } from '../plan/index.js';
import type { EventRecorder } from './events.js';
import type { PendingChanges } from './policy.js';

export const DRY_RUN_REASON = 'DryRunPlan';
const ACTIONS = ['create', 'update', 'replace', 'delete'] as const;

/** The plan's changing steps counted by action (every action present, zeros included). */
export function pendingCounts(plan: Plan): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(ACTIONS.map((a) => [a, 0]));
  for (const s of plan.steps)
    if (s.action !== 'no-op') counts[s.action] = (counts[s.action] ?? 0) + 1;
  return counts;
}

/**
 * The Normal Event of `lbctl run --dry-run`: Terraform's counts and the first changes, each with
 * its reason, kept under the Event message limit. A replacement that changes the Service's address
 * says so, since that is what an operator running beside the CCM most needs to see.
 */
export function describePending(plan: Plan, limit = 1000, first = 5): string {
  const { add, change, destroy } = summarize([plan]);
  const changing = plan.steps.filter((s) => s.action !== 'no-op');
  if (changing.length === 0) return 'Dry run: no changes; the cloud matches the Service.';
  const shown = changing.slice(0, first).map((s) => {
    const address = s.addressImpact?.changes === true ? ", changes the Service's address" : '';
    return `${s.action} ${s.address} (${s.reason}${address})`;
  });
  const more = changing.length > first ? `; and ${changing.length - first} more` : '';
  const text = `Dry run, nothing changed: Plan: ${add} to add, ${change} to change, ${destroy} to destroy. ${shown.join('; ')}${more}`;
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Publishes a Service's pending plan (dry run): the Event and the metric, nothing else. */
export async function reportPending(o: {
  events: EventRecorder;
  pending?: PendingChanges;
  key: string;
  service: Service;
  plan: Plan;
}): Promise<void> {
  o.pending?.(o.key, pendingCounts(o.plan));
  await o.events.record(o.service, 'Normal', DRY_RUN_REASON, describePending(o.plan));
}
