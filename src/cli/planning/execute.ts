import { apply } from '../../apply/index.js';
import { formatProgress } from '../../apply/progress.js';
import { keyOf } from '../../core/k8s.js';
import type { Plan } from '../../core/plan.js';
import type { CallLog, Provider } from '../../core/provider.js';
import type { Resource } from '../../core/resource.js';
import { summarize } from '../../plan/index.js';
import type { CommandDeps } from './io.js';
import { mapLimit } from './parallel.js';

/**
 * Applies the plans one Service after another with Terraform-style progress lines and ends
 * with `Apply complete! Resources: N added, N changed, N destroyed.` (or `Destroy complete!`).
 * The first failure stops everything and is thrown (the message names the address).
 */
export async function executePlans(
  services: readonly { plan: Plan; observed: readonly Resource[] }[],
  provider: Provider,
  options: { deps: CommandDeps; clusterName: string; destroy: boolean; parallelism: number },
): Promise<void> {
  const { deps } = options;
  const plans = services.map((s) => s.plan);
  const summary = summarize(plans);
  // Every Service has its own `aws_lb.this`: name the Service when more than one has changes.
  const prefixed = services.filter((s) => s.plan.order.length > 0).length > 1;
  const interrupts = deps.trapInterrupts();
  try {
    // Services are independent graphs: apply them side by side, each in its own plan order.
    const changing = services.filter((s) => s.plan.order.length > 0);
    await mapLimit(
      changing,
      options.parallelism,
      async ({ plan, observed }) => {
        const prefix = prefixed ? `${keyOf(plan.service)}: ` : '';
        const ids = new Map(plan.steps.map((s) => [s.address, s.before?.id]));
        await apply(plan, provider, {
          observed,
          ctx: { clusterName: options.clusterName },
          now: deps.now,
          stop: interrupts.signal,
          onProgress: (event) => {
            const known = event.type === 'start' ? ids.get(event.address) : undefined;
            deps.stdout(`${prefix}${formatProgress(event, known)}\n`);
          },
        });
      },
      (later) => deps.stderr(`Error: ${later instanceof Error ? later.message : String(later)}\n`),
    );
  } finally {
    interrupts.release();
  }
  deps.stdout(
    options.destroy
      ? `\nDestroy complete! Resources: ${summary.destroy} destroyed.\n`
      : `\nApply complete! Resources: ${summary.add} added, ${summary.change} changed, ${summary.destroy} destroyed.\n`,
  );
}

/** `--show-calls`: cloud calls by operation and outcome, writes marked, then totals. */
export function formatCalls(calls: CallLog): string {
  const rows = new Map<string, { operation: string; write: boolean; outcome: string; n: number }>();
  for (const c of calls.calls) {
    const key = `${c.operation}\u0000${c.outcome}`;
    const row = rows.get(key) ?? {
      operation: c.operation,
      write: c.write,
      outcome: c.outcome,
      n: 0,
    };
    row.n += 1;
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort((a, b) =>
    a.operation === b.operation
      ? a.outcome < b.outcome
        ? -1
        : 1
      : a.operation < b.operation
        ? -1
        : 1,
  );
  const width = Math.max(9, ...sorted.map((r) => r.operation.length));
  const lines = [`\nCloud calls:`, `  ${'OPERATION'.padEnd(width)}  KIND   OUTCOME    COUNT`];
  for (const r of sorted) {
    lines.push(
      `  ${r.operation.padEnd(width)}  ${(r.write ? 'write' : 'read').padEnd(5)}  ${r.outcome.padEnd(9)}  ${String(r.n).padStart(5)}`,
    );
  }
  lines.push(
    `  total ${calls.count()} (${calls.count({ write: true })} writes, ${calls.count({ write: false })} reads)`,
  );
  return `${lines.join('\n')}\n`;
}
