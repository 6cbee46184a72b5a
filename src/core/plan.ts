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
 * One step of a plan: one resource address and what happens to it. `before` is the observed
 * resource (absent on create), `after` the desired one (absent on delete).
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
  /**
   * The resource type's computed attribute paths (its schema's `computed`), set by the planner so
   * that renderers can show them as "known after apply" on create and replace. Optional so that
   * hand-built steps stay valid.
   */
  computed?: string[];
  /**
   * Set by the planner on a `replace` of a resource whose schema `holdsAddress`: what the
   * replacement does to the address in the Service's status.
   */
  addressImpact?: AddressImpact;
  /**
   * Set when the observed resource is `foreign` (made by another controller, found with
   * ObserveRequest.adopt): who made it. An update or no-op takes it over in place (its ownership
   * tags are added); a replace or delete is a migration step.
   */
  adopts?: string;
}

/** What replacing an address-holding resource does to the Service's address. */
export interface AddressImpact {
  /** True when clients lose the address they use (a new IP or DNS name). */
  changes: boolean;
  /**
   * The attributes that force the replacement, as `type.name.path` (a cascade followed back to
   * the resources whose own attributes changed), sorted.
   */
  forcedBy: string[];
  /** When kept: the attribute that keeps it (`eip_allocations`, `ip_address`, `public_ip`). */
  keptBy?: string;
  /** When kept: what still changes (from the schema's `holdsAddress.caveat`). */
  caveat?: string;
}

/**
 * One cloud action in execution order. A `replace` step contributes a `delete` and, later, a
 * `create`; `no-op` steps contribute nothing. Rules the planner guarantees:
 * - a create or update comes after the creates of everything it depends on (desired graph);
 * - a delete comes after the deletes and updates of everything that depended on it
 *   (observed graph), so nothing still in use is deleted;
 * - a replace's delete comes before its create.
 */
export interface PlannedAction {
  address: string;
  action: 'create' | 'update' | 'delete';
}

export interface Plan {
  service: ServiceIdentity;
  provider: string;
  /** One step per address, sorted by address for display (Terraform's order). */
  steps: Step[];
  /** What apply executes, in this order. */
  order: PlannedAction[];
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}
