import type { ServiceIdentity } from './k8s.js';
import type { Resource, Value } from './resource.js';

export type Action = 'create' | 'update' | 'replace' | 'delete' | 'no-op';

export interface AttributeChange {
  /** Dotted path of the attribute that differs. */
  path: string;
  before?: Value;
  after?: Value;
  /** True when this change alone forces the resource to be replaced. */
  forcesReplacement: boolean;
}

/** Member-set attributes are changed by delta, never rewritten whole. */
export interface SetDelta {
  path: string;
  add: Value[];
  remove: Value[];
}

/**
 * One step of a plan. `before` is the observed resource (absent on create), `after` the
 * desired one (absent on delete). Steps of a plan are already in execution order:
 * creates dependencies first, deletes dependents first.
 */
export interface Step {
  address: string;
  action: Action;
  /** Why this step happens, in words a user reads in the plan ("not found in the cloud", "scheme changed"). */
  reason: string;
  before?: Resource;
  after?: Resource;
  changes: AttributeChange[];
  setDeltas: SetDelta[];
  /** Attribute paths that force replacement, as arrays of path segments (terraform's replace_paths). */
  replacePaths: string[][];
}

export interface Plan {
  service: ServiceIdentity;
  provider: string;
  steps: Step[];
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}
