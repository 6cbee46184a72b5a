import { apply } from '../../apply/index.js';
import { formatElapsed, formatProgress } from '../../apply/progress.js';
import type { ApplyProgress } from '../../apply/index.js';
import { keyOf, type LoadBalancerIngress } from '../../core/k8s.js';
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
  const outputs = new Map<string, string>();
  try {
    // Services are independent graphs: apply them side by side, each in its own plan order.
    const changing = services.filter((s) => s.plan.order.length > 0);
    await mapLimit(
      changing,
      options.parallelism,
      async ({ plan, observed }) => {
        const prefix = prefixed ? `${keyOf(plan.service)}: ` : '';
        const ids = new Map(plan.steps.map((s) => [s.address, s.before?.id]));
        const heartbeat = heartbeats(deps, prefix);
        const result = await apply(plan, provider, {
          observed,
          ctx: { clusterName: options.clusterName },
          now: deps.now,
          stop: interrupts.signal,
          onProgress: (event) => {
            const known = event.type === 'start' ? ids.get(event.address) : undefined;
            deps.stdout(`${prefix}${formatProgress(event, known)}\n`);
            heartbeat(event);
          },
        });
        outputs.set(keyOf(plan.service), addressOf(provider.ingress(result.resources)));
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
  if (options.destroy) return;
  // Terraform's outputs: every Service's address, also of those that had nothing to change.
  for (const s of services) {
    const key = keyOf(s.plan.service);
    if (!outputs.has(key) && s.plan.steps.some((st) => st.after !== undefined)) {
      outputs.set(key, addressOf(provider.ingress(s.observed)));
    }
  }
  if (outputs.size === 0) return;
  const lines = [...outputs].sort(([a], [b]) => (a < b ? -1 : 1));
  deps.stdout(
    `\nOutputs:\n\n${lines.map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`).join('\n')}\n`,
  );
}

/** The load balancer's address as `kubectl get svc` shows it (hostname or IP), or a placeholder. */
function addressOf(ingress: readonly LoadBalancerIngress[]): string {
  const all = ingress.map((i) => i.hostname ?? i.ip).filter((a) => a !== undefined && a !== '');
  return all.length === 0 ? '(no address yet)' : all.join(',');
}

/** How often Terraform says `Still creating... [10s elapsed]`. */
export const HEARTBEAT_MS = 10_000;

const stillWord = { create: 'creating', update: 'modifying', delete: 'destroying' };

/**
 * Terraform's heartbeat: while a step runs, every 10 s, `aws_lb.this: Still creating... [10s
 * elapsed]`, so a slow cloud operation does not look like a hang. The timer is deps.every
 * (injected in tests), elapsed time deps.now.
 */
function heartbeats(deps: CommandDeps, prefix: string): (event: ApplyProgress) => void {
  const running = new Map<string, () => void>();
  return (event) => {
    if (event.type !== 'start') {
      running.get(event.address)?.();
      running.delete(event.address);
      return;
    }
    const started = deps.now();
    const every = deps.every ?? everyInterval;
    running.set(
      event.address,
      every(HEARTBEAT_MS, () => {
        const elapsed = formatElapsed(deps.now() - started);
        deps.stdout(
          `${prefix}${event.address}: Still ${stillWord[event.action]}... [${elapsed} elapsed]\n`,
        );
      }),
    );
  };
}

function everyInterval(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
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
