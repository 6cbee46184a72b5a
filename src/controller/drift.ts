import type { Plan } from '../core/plan.js';
import type { Value } from '../core/resource.js';

/**
 * The drift a verification found, for an Event: each resource that differs, with the attribute
 * paths and values (like Terraform's resource_drift), kept under the Event message limit.
 */
export function describeDrift(
  plan: Plan,
  limit = 1000,
  heading = 'Drift detected, repairing',
): string {
  const parts: string[] = [];
  for (const s of plan.steps) {
    if (s.action === 'no-op') continue;
    if (s.action === 'create') parts.push(`${s.address}: missing in the cloud`);
    else if (s.action === 'delete') parts.push(`${s.address}: not expected`);
    else {
      const changes = [
        ...s.setDeltas.map(
          (d) =>
            `${d.path} ${[...d.add.map((v) => `+${show(v)}`), ...d.remove.map((v) => `-${show(v)}`)].join(' ')}`,
        ),
        ...s.changes
          .filter((c) => !s.setDeltas.some((d) => d.path === c.path))
          .map((c) => `${c.path}: ${show(c.before)} => ${show(c.after)}`),
      ];
      parts.push(`${s.address}: ${changes.join(', ') || s.reason}`);
    }
  }
  const text = `${heading}: ${parts.join('; ')}`;
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

const show = (v: Value | undefined): string => (v === undefined ? 'null' : JSON.stringify(v));
