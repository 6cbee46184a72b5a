import type { ServiceIdentity } from '../core/k8s.js';
import type { Plan, PlannedAction, Step } from '../core/plan.js';
import type { Resource, SchemaSet } from '../core/resource.js';
import { markAddressImpact, markAdoptions } from './address.js';
import { compareStrings, diffAttributes } from './diff.js';
import { PlanGraphError } from './errors.js';
import type { Graph, GraphNode } from './graph.js';
import { indexGraph } from './graph.js';
import { executionOrder } from './order.js';
import {
  cascadeReason,
  changeReason,
  CREATE_REASON,
  DELETE_REASON,
  NO_OP_REASON,
} from './reason.js';

export interface PlanInput {
  service: ServiceIdentity;
  /** The provider's name and schemas; a ProviderModel fits. */
  provider: { readonly name: string; readonly schemas: SchemaSet };
  /** What the Service needs. `[]` means: delete everything observed. */
  desired: readonly Resource[];
  /** What exists in the cloud for this Service, as the provider observed it. */
  observed: readonly Resource[];
}

/**
 * Desired vs observed → one step per address and the order apply runs them in. Pure and
 * generic: everything provider-specific comes from the schemas.
 *
 * - Resources match by address (`type.name`). Absent in observed: create. Absent in desired:
 *   delete. Otherwise the attributes are compared (see diffAttributes: only what desired
 *   defines, computed paths excluded, extra observed attributes ignored, sets as sets):
 *   a difference under a `forceNew` path means replace, other differences update, none no-op.
 * - Replacement cascades: a resource that references a replaced one (a `references`
 *   attribute holding its address, in desired or observed), or that depends on it in both
 *   graphs, is replaced too unless it is being deleted: the replaced resource cannot be
 *   deleted under it, and it cannot point at the new one before that one exists.
 * - If the order's guarantees still cannot all hold (an update that must precede a delete and
 *   follow the create that replaces it), that update becomes a replace as well.
 *
 * - A step whose observed resource is `foreign` (adoption) carries `adopts` and says so in its
 *   reason.
 * - A replacement of a resource whose schema `holdsAddress` carries `addressImpact`: whether
 *   the Service's address changes and which attributes force it (see address.ts).
 *
 * Throws PlanGraphError for a type without a schema, a duplicate address, a `dependsOn` on a
 * missing address or a dependency cycle, naming the addresses.
 */
export function plan(input: PlanInput): Plan {
  const { schemas, name: providerName } = input.provider;
  const desired = indexGraph('desired', input.desired, schemas, providerName);
  const observed = indexGraph('observed', input.observed, schemas, providerName);
  const addresses = [...new Set([...desired.keys(), ...observed.keys()])].sort(compareStrings);

  const steps = new Map<string, Step>();
  for (const address of addresses) {
    steps.set(address, stepFor(address, desired.get(address), observed.get(address)));
  }
  const dependents = dependentsIndex(desired, observed);
  cascade(
    steps,
    dependents,
    addresses.filter((a) => steps.get(a)?.action === 'replace'),
  );

  let order: PlannedAction[] | undefined;
  for (let round = 0; order === undefined; round++) {
    const result = executionOrder(steps, desired, observed);
    if (result.ok) {
      order = result.order;
      break;
    }
    const promoted = promoteUpdatesInCycle(steps, result.cycle);
    if (promoted.length === 0 || round > steps.size) {
      const names = result.cycle.map((a) => `${a.action} ${a.address}`);
      throw new PlanGraphError(
        `cannot order the plan, its actions wait on each other: ${names.join(' -> ')}`,
        [...new Set(result.cycle.map((a) => a.address))],
      );
    }
    cascade(steps, dependents, promoted);
  }
  markAddressImpact(steps, desired, observed);
  markAdoptions(steps);

  return {
    service: { ...input.service },
    provider: providerName,
    steps: addresses.map((a) => steps.get(a) as Step),
    order,
  };
}

function stepFor(address: string, d: GraphNode | undefined, o: GraphNode | undefined): Step {
  const base = { address, setDeltas: [], changes: [], replacePaths: [] };
  if (d !== undefined && o === undefined) {
    return {
      ...base,
      action: 'create',
      reason: CREATE_REASON,
      after: d.resource,
      computed: d.schema.computed,
    };
  }
  if (d === undefined && o !== undefined) {
    return { ...base, action: 'delete', reason: DELETE_REASON, before: o.resource };
  }
  const desired = d as GraphNode;
  const observed = o as GraphNode;
  const { changes, setDeltas } = diffAttributes(
    desired.resource.attributes,
    observed.resource.attributes,
    desired.schema,
  );
  const replacePaths = changes.filter((c) => c.forcesReplacement).map((c) => c.path.split('.'));
  const action = replacePaths.length > 0 ? 'replace' : changes.length > 0 ? 'update' : 'no-op';
  return {
    address,
    action,
    reason: action === 'no-op' ? NO_OP_REASON : changeReason(changes, setDeltas),
    before: observed.resource,
    after: desired.resource,
    changes,
    setDeltas,
    replacePaths,
    computed: desired.schema.computed,
  };
}

/** For each address X: the resources (in both graphs) that must be replaced when X is, with the reference paths that point at X. */
type Dependents = Map<string, Map<string, string[]>>;

function dependentsIndex(desired: Graph, observed: Graph): Dependents {
  const index: Dependents = new Map();
  const note = (target: string, dependent: string, paths: readonly string[]): void => {
    let byDependent = index.get(target);
    if (byDependent === undefined) index.set(target, (byDependent = new Map()));
    const known = byDependent.get(dependent) ?? [];
    byDependent.set(dependent, [...new Set([...known, ...paths])].sort(compareStrings));
  };
  for (const [address, d] of desired) {
    const o = observed.get(address);
    if (o === undefined) continue;
    for (const node of [d, o]) {
      for (const [target, paths] of node.refs) if (target !== address) note(target, address, paths);
    }
    const observedDeps = new Set(o.deps);
    for (const dep of d.deps) if (observedDeps.has(dep)) note(dep, address, []);
  }
  return index;
}

function cascade(steps: Map<string, Step>, dependents: Dependents, replaced: string[]): void {
  const queue = [...replaced];
  for (let i = 0; i < queue.length; i++) {
    const target = queue[i] as string;
    const byDependent = dependents.get(target);
    if (byDependent === undefined) continue;
    for (const dependent of [...byDependent.keys()].sort(compareStrings)) {
      const step = steps.get(dependent);
      if (step === undefined || (step.action !== 'update' && step.action !== 'no-op')) continue;
      const paths = byDependent.get(dependent) ?? [];
      steps.set(dependent, {
        ...step,
        action: 'replace',
        reason: cascadeReason(target),
        replacePaths: paths.map((p) => p.split('.')),
      });
      queue.push(dependent);
    }
  }
}

/** Turns the updates on an ordering cycle into replaces; returns their addresses. */
function promoteUpdatesInCycle(steps: Map<string, Step>, cycle: PlannedAction[]): string[] {
  const ring = cycle.slice(0, -1);
  const promoted: string[] = [];
  ring.forEach((node, i) => {
    const step = steps.get(node.address);
    if (node.action !== 'update' || step === undefined || step.action !== 'update') return;
    const rotated = [...ring.slice(i + 1), ...ring.slice(0, i)];
    const cause = rotated.find((n) => steps.get(n.address)?.action === 'replace')?.address;
    steps.set(node.address, {
      ...step,
      action: 'replace',
      reason: cause === undefined ? step.reason : cascadeReason(cause),
    });
    promoted.push(node.address);
  });
  return promoted;
}
