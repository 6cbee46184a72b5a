import { LbctlError } from '../core/errors.js';

/**
 * The resource graphs handed to the planner are inconsistent: a dependency cycle, a dependency
 * on an address that is not in the graph, a duplicate address, or a type without a schema.
 * These are provider bugs (or a corrupt observed snapshot), never transient: kind `invalid`.
 */
export class PlanGraphError extends LbctlError {
  /** The addresses (or, for a missing schema, the resource type) the error is about. */
  readonly addresses: string[];

  constructor(message: string, addresses: readonly string[], options: { cause?: unknown } = {}) {
    super('invalid', message, options);
    this.name = 'PlanGraphError';
    this.addresses = [...addresses];
  }
}
