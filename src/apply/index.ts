import { LbctlError, isLbctlError } from '../core/errors.js';
import { keyOf } from '../core/k8s.js';
import type { Plan, PlannedAction, Step } from '../core/plan.js';
import type { Provider, ProviderContext } from '../core/provider.js';
import { addressOf, type Resource } from '../core/resource.js';

/** One progress event of an apply, for Terraform-style lines (`aws_lb.this: Creating...`). */
export type ApplyProgress =
  | { type: 'start'; address: string; action: PlannedAction['action'] }
  | {
      type: 'done';
      address: string;
      action: PlannedAction['action'];
      elapsedMs: number;
      /** The cloud ID of the resource after a create or update. */
      id?: string;
    }
  | {
      type: 'failed';
      address: string;
      action: PlannedAction['action'];
      elapsedMs: number;
      error: unknown;
    };

export interface ApplyOptions {
  /** The resources that existed when the plan was made (with their cloud IDs). */
  observed: readonly Resource[];
  ctx: ProviderContext;
  onProgress?: (event: ApplyProgress) => void;
  /** Milliseconds, for elapsed times only. */
  now?: () => number;
  /**
   * A graceful stop (Ctrl-C in the CLI, shutdown in the controller): checked between steps, so
   * the step in flight finishes and nothing is left half-done. `ctx.signal`, by contrast, is
   * handed to the provider and may cancel the call in flight.
   */
  stop?: AbortSignal;
}

export interface ApplyResult {
  /** Every resource of the Service after the apply, sorted by address. */
  resources: Resource[];
}

/**
 * Executes a plan's `order` one action at a time. A `replace` step arrives as two actions: its
 * delete half gets a Step with only `before`, its create half a Step with only `after`, so the
 * provider only ever sees create, update and delete. The state handed to `provider.execute` is
 * the observed set, updated as each step returns, so later steps can resolve references to the
 * cloud IDs of resources created earlier. The first failure stops the apply and is thrown with
 * the address in its message (the original error as `cause`): the caller re-plans and retries
 * the whole reconcile, which is safe because every step is idempotent.
 */
export async function apply(
  plan: Plan,
  provider: Provider,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const now = options.now ?? (() => performance.now());
  const steps = new Map(plan.steps.map((s) => [s.address, s]));
  const state = new Map(options.observed.map((r) => [addressOf(r), r]));

  for (const [done, action] of plan.order.entries()) {
    if (options.stop?.aborted === true) {
      throw new LbctlError(
        'terminal',
        `apply stopped before ${action.address} (${done} of ${plan.order.length} steps done for Service ${keyOf(plan.service)}); run it again to finish`,
        { cause: options.stop.reason },
      );
    }
    const step = executableStep(steps.get(action.address), action);
    options.onProgress?.({ type: 'start', address: action.address, action: action.action });
    const started = now();
    let result: Resource | undefined;
    try {
      options.ctx.signal?.throwIfAborted();
      result = await provider.execute({ step, state }, options.ctx);
    } catch (error) {
      const elapsedMs = now() - started;
      options.onProgress?.({
        type: 'failed',
        address: action.address,
        action: action.action,
        elapsedMs,
        error,
      });
      throw failure(action, error);
    }
    if (action.action === 'delete') {
      state.delete(action.address);
    } else {
      if (result === undefined) {
        throw new LbctlError(
          'terminal',
          `${action.address}: provider ${provider.name} returned nothing for a ${action.action}`,
        );
      }
      state.set(action.address, result);
    }
    options.onProgress?.({
      type: 'done',
      address: action.address,
      action: action.action,
      elapsedMs: now() - started,
      ...(result?.id === undefined ? {} : { id: result.id }),
    });
  }
  return { resources: [...state.values()].sort(byAddress) };
}

/** The Step the provider executes for one planned action (replace halves are synthesized). */
function executableStep(step: Step | undefined, action: PlannedAction): Step {
  if (step === undefined) {
    throw new LbctlError(
      'terminal',
      `${action.address}: the plan's order names a step the plan does not have`,
    );
  }
  if (step.action === action.action) return step;
  if (step.action !== 'replace') {
    throw new LbctlError(
      'terminal',
      `${action.address}: the plan orders a ${action.action} for a ${step.action} step`,
    );
  }
  const { before, after, ...rest } = step;
  if (action.action === 'delete') {
    if (before === undefined) throw missing(action, 'before');
    return { ...rest, action: 'delete', before, changes: [], setDeltas: [] };
  }
  if (action.action === 'create') {
    if (after === undefined) throw missing(action, 'after');
    return { ...rest, action: 'create', after, changes: [], setDeltas: [] };
  }
  throw new LbctlError('terminal', `${action.address}: a replace cannot be executed as an update`);
}

const missing = (action: PlannedAction, side: string) =>
  new LbctlError('terminal', `${action.address}: the replace step has no \`${side}\` resource`);

const verb: Record<PlannedAction['action'], string> = {
  create: 'creating',
  update: 'updating',
  delete: 'destroying',
};

function failure(action: PlannedAction, error: unknown): LbctlError {
  const message = error instanceof Error ? error.message : String(error);
  const text = `${action.address}: error ${verb[action.action]}: ${message}`;
  if (isLbctlError(error)) {
    return new LbctlError(error.kind, text, {
      cause: error,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }
  return new LbctlError('transient', text, { cause: error });
}

const byAddress = (a: Resource, b: Resource): number => {
  const x = addressOf(a);
  const y = addressOf(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
