import { keyOf } from '../core/k8s.js';
import type { Plan, PlannedAction, SetDelta, Step } from '../core/plan.js';
import type { Attributes, Value } from '../core/resource.js';
import { summarizeShared } from './shared.js';
import { simulateApply } from '../plan/simulate.js';
import { isObject, valueAt } from '../plan/values.js';
import type { UnknownTree } from './tree.js';
import { unknownTree } from './tree.js';
import { byString } from './values.js';

/**
 * lbctl's plan-JSON format version, `lbctl_format_version` (docs/plan-json.md): additive changes
 * bump the minor, breaking ones the major. 2.0: addresses are unique across Services
 * (`module.service["ns/name"].type.name`, with `module_address`), `observed`, `complete`,
 * `applyable`, `errored` were added, and `format_version` became Terraform's.
 */
export const PLAN_JSON_FORMAT_VERSION = '2.0';
/**
 * `format_version`: the version of Terraform's JSON plan format that lbctl's follows, the one
 * Terraform 1.x writes. Readers built on hashicorp/terraform-json accept only `>= 0.1, < 2.0`
 * there and refuse the whole plan otherwise.
 */
export const TERRAFORM_FORMAT_VERSION = '1.2';
/** The version written when the caller does not pass one; the CLI passes its own. */
export const DEFAULT_LBCTL_VERSION = '0.1.0';

export type JsonAction = 'create' | 'update' | 'delete' | 'no-op';

/** Terraform's action_reason values that lbctl uses. */
export type ActionReason =
  'replace_because_cannot_update' | 'replace_by_triggers' | 'delete_because_no_resource_config';

export interface ResourceChangeJson {
  /** Unique in the plan: the Service's module address, then the resource's `type.name`. */
  address: string;
  /** As Terraform does for a resource in a module instance: `module.service["namespace/name"]`. */
  module_address: string;
  /** lbctl extension: the Service (`namespace/name`) the resource belongs to. */
  service: string;
  mode: 'managed';
  type: string;
  name: string;
  provider_name: string;
  change: {
    actions: JsonAction[];
    before: Attributes | null;
    after: Attributes | null;
    after_unknown: UnknownJson;
    /** Present on replacements only, as in Terraform. */
    replace_paths?: string[][];
  };
  action_reason?: ActionReason;
  /** lbctl extensions. */
  reason: string;
  cloud_id: string | null;
  depends_on: string[];
  set_deltas: SetDelta[];
  /** lbctl extension, on replacements of a resource holding the Service's address (Step.addressImpact). */
  service_address?: { changes: boolean; forced_by: string[]; kept_by?: string; caveat?: string };
}

export type UnknownJson = { [key: string]: UnknownJson | true };

export interface ExecutionStepJson {
  service: string;
  /** The full, unique address, as in `resource_changes`. */
  address: string;
  action: PlannedAction['action'];
}

/** Where the plan's picture of what exists came from. */
export type ObservedJson = 'none' | 'cloud' | 'snapshot';

export interface PlanJson {
  /** Terraform's plan format version (TERRAFORM_FORMAT_VERSION), for Terraform plan readers. */
  format_version: string;
  /** lbctl's own contract version (PLAN_JSON_FORMAT_VERSION). */
  lbctl_format_version: string;
  lbctl_version: string;
  /** lbctl extension: `cloud` (read now), `snapshot` (`--observed FILE`) or `none` (`--offline`). */
  observed: ObservedJson;
  /** As Terraform: every change of every Service given is in this plan (lbctl never defers one). */
  complete: boolean;
  /** As Terraform: true when applying would change something. */
  applyable: boolean;
  /** As Terraform: false; a plan that fails is never printed (the error goes to stderr). */
  errored: boolean;
  resource_changes: ResourceChangeJson[];
  /** lbctl extension: what apply runs, in order, Service by Service. */
  execution_order: ExecutionStepJson[];
  /** lbctl extension: the counts of the `Plan:` line (a replace adds one and destroys one; an object several Services share counts once). */
  summary: { add: number; change: number; destroy: number };
}

const ACTIONS: Record<Step['action'], JsonAction[]> = {
  create: ['create'],
  update: ['update'],
  replace: ['delete', 'create'],
  delete: ['delete'],
  'no-op': ['no-op'],
};

/**
 * Plans as JSON shaped after `terraform show -json`'s `resource_changes`, with lbctl's
 * extensions. Every object is built in a fixed key order and attribute objects have sorted
 * keys, so equal plans serialise to identical bytes. Pure.
 */
export function renderJson(
  plans: readonly Plan[],
  opts: { lbctlVersion?: string; observed?: ObservedJson } = {},
): PlanJson {
  const resourceChanges: ResourceChangeJson[] = [];
  const executionOrder: ExecutionStepJson[] = [];
  for (const plan of plans) {
    const service = keyOf(plan.service);
    const module = moduleAddress(service);
    const afterState = new Map(
      simulateApply(plan).map((r) => [`${r.type}.${r.name}`, r.attributes] as const),
    );
    for (const step of plan.steps) {
      resourceChanges.push(resourceChange(step, { service, module }, plan.provider, afterState));
    }
    for (const a of plan.order) {
      executionOrder.push({ service, address: `${module}.${a.address}`, action: a.action });
    }
  }
  const summary = summarizeShared(plans);
  return {
    format_version: TERRAFORM_FORMAT_VERSION,
    lbctl_format_version: PLAN_JSON_FORMAT_VERSION,
    lbctl_version: opts.lbctlVersion ?? DEFAULT_LBCTL_VERSION,
    observed: opts.observed ?? 'none',
    complete: true,
    applyable: summary.add + summary.change + summary.destroy > 0,
    errored: false,
    resource_changes: resourceChanges,
    execution_order: executionOrder,
    summary,
  };
}

/** A Service is to lbctl what a module instance is to Terraform: `module.service["ns/name"]`. */
export const moduleAddress = (service: string): string =>
  `module.service[${JSON.stringify(service)}]`;

function resourceChange(
  step: Step,
  { service, module }: { service: string; module: string },
  provider: string,
  afterState: ReadonlyMap<string, Attributes>,
): ResourceChangeJson {
  const resource = step.after ?? step.before;
  const dot = step.address.indexOf('.');
  const after = afterState.get(step.address);
  // Computed values are unknown on a new resource unless the desired resource sets them.
  const unknown =
    (step.action === 'create' || step.action === 'replace') && after !== undefined
      ? unknownTree((step.computed ?? []).filter((p) => (valueAt(after, p) ?? null) === null))
      : {};
  const reason = actionReason(step);
  return {
    address: `${module}.${step.address}`,
    module_address: module,
    service,
    mode: 'managed',
    type: resource?.type ?? step.address.slice(0, dot),
    name: resource?.name ?? step.address.slice(dot + 1),
    provider_name: `lbctl/${provider}`,
    change: {
      actions: ACTIONS[step.action],
      before: step.before === undefined ? null : sortedAttributes(step.before.attributes),
      after: after === undefined ? null : sortedAttributes(after),
      after_unknown: sortedUnknown(unknown),
      ...(step.action === 'replace' ? { replace_paths: step.replacePaths } : {}),
    },
    ...(reason === undefined ? {} : { action_reason: reason }),
    reason: step.reason,
    cloud_id: step.before?.id ?? null,
    depends_on: [...((step.after ?? step.before)?.dependsOn ?? [])]
      .sort(byString)
      .map((a) => `${module}.${a}`),
    set_deltas: step.setDeltas.map((d) => ({ path: d.path, add: d.add, remove: d.remove })),
    ...(step.addressImpact === undefined
      ? {}
      : {
          service_address: {
            changes: step.addressImpact.changes,
            forced_by: step.addressImpact.forcedBy,
            ...(step.addressImpact.keptBy === undefined
              ? {}
              : { kept_by: step.addressImpact.keptBy }),
            ...(step.addressImpact.caveat === undefined
              ? {}
              : { caveat: step.addressImpact.caveat }),
          },
        }),
  };
}

function actionReason(step: Step): ActionReason | undefined {
  if (step.action === 'delete') return 'delete_because_no_resource_config';
  if (step.action !== 'replace') return undefined;
  return step.changes.some((c) => c.forcesReplacement)
    ? 'replace_because_cannot_update'
    : 'replace_by_triggers';
}

function sortedAttributes(attrs: Attributes): Attributes {
  return sortValue(attrs) as Attributes;
}

function sortValue(v: Value): Value {
  if (Array.isArray(v)) return v.map(sortValue);
  if (!isObject(v)) return v;
  const out: { [key: string]: Value } = {};
  for (const k of Object.keys(v).sort(byString)) out[k] = sortValue(v[k] as Value);
  return out;
}

function sortedUnknown(u: UnknownTree): UnknownJson {
  const out: UnknownJson = {};
  for (const k of Object.keys(u).sort(byString)) {
    const v = u[k] as UnknownTree | true;
    out[k] = v === true ? true : sortedUnknown(v);
  }
  return out;
}
