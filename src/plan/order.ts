import type { PlannedAction, Step } from '../core/plan.js';
import { compareStrings } from './diff.js';
import type { Graph } from './graph.js';
import { findCycle } from './graph.js';

type Kind = PlannedAction['action'];

interface OrderNode {
  action: PlannedAction;
  out: string[];
  indegree: number;
}

export type OrderResult =
  { ok: true; order: PlannedAction[] } | { ok: false; cycle: PlannedAction[] };

/** Among actions free to run, deletes go first (they free names and ports), then updates, then creates. */
const RANK: Record<Kind, number> = { delete: 0, update: 1, create: 2 };

const keyOf = (action: Kind, address: string): string => `${action}:${address}`;

/**
 * The execution order of a plan's steps, as src/core/plan.ts promises it:
 * - a create or update comes after the creates of everything it depends on (desired graph);
 * - a delete comes after the deletes and updates of everything that depended on it (observed);
 * - a replace is a delete and, later, a create.
 * Among actions that are free at the same time: deletes, then updates, then creates, each by
 * address. Returns the cycle instead when the constraints cannot all hold (an update that must
 * both precede a delete and follow the create that replaces it).
 */
export function executionOrder(
  steps: ReadonlyMap<string, Step>,
  desired: Graph,
  observed: Graph,
): OrderResult {
  const withMigration = actionOrder(steps, desired, observed, true);
  return withMigration.ok ? withMigration : actionOrder(steps, desired, observed, false);
}

/**
 * `migration`: a replace of a resource another controller made (its observed resource is
 * `foreign`, Step.adopts) is made before it is broken: its delete waits for the creates and
 * updates of what the new one depends on (desired), and the deletes of what the old one
 * depended on (observed) wait for the new one's create. A migration that switches a forwarding
 * rule from a target pool to a new backend service thus builds the backend service (and
 * promotes the IP) first, and removes the target pool only once the new rule serves: the gap
 * is the rule's own delete and create. Likewise the deletes of foreign resources wait for the
 * creates of what holds the Service's address (schema `holdsAddress`). Dropped if it would make
 * the order impossible.
 */
function actionOrder(
  steps: ReadonlyMap<string, Step>,
  desired: Graph,
  observed: Graph,
  migration: boolean,
): OrderResult {
  const nodes = new Map<string, OrderNode>();
  const add = (action: Kind, address: string): void => {
    nodes.set(keyOf(action, address), { action: { address, action }, out: [], indegree: 0 });
  };
  const edge = (from: string, to: string): void => {
    const n = nodes.get(from);
    const m = nodes.get(to);
    if (n === undefined || m === undefined) return;
    n.out.push(to);
    m.indegree++;
  };
  for (const step of steps.values()) {
    if (step.action === 'replace') {
      add('delete', step.address);
      add('create', step.address);
      edge(keyOf('delete', step.address), keyOf('create', step.address));
    } else if (step.action !== 'no-op') {
      add(step.action, step.address);
    }
  }
  const creates = (address: string): boolean => {
    const a = steps.get(address)?.action;
    return a === 'create' || a === 'replace';
  };
  for (const step of steps.values()) {
    const own = step.action === 'update' ? 'update' : creates(step.address) ? 'create' : undefined;
    if (own !== undefined) {
      for (const dep of desired.get(step.address)?.deps ?? []) {
        if (creates(dep)) edge(keyOf('create', dep), keyOf(own, step.address));
      }
    }
  }
  for (const node of observed.values()) {
    const dependent = steps.get(node.address)?.action;
    const from =
      dependent === 'delete' || dependent === 'replace'
        ? keyOf('delete', node.address)
        : dependent === 'update'
          ? keyOf('update', node.address)
          : undefined;
    if (from === undefined) continue;
    for (const dep of node.deps) edge(from, keyOf('delete', dep));
  }
  if (migration) {
    for (const step of steps.values()) {
      if (step.action !== 'replace' || step.before?.foreign === undefined) continue;
      for (const dep of desired.get(step.address)?.deps ?? []) {
        const a = steps.get(dep)?.action;
        if (a === 'create' || a === 'update') edge(keyOf(a, dep), keyOf('delete', step.address));
      }
      for (const dep of observed.get(step.address)?.deps ?? []) {
        if (steps.get(dep)?.action === 'delete')
          edge(keyOf('create', step.address), keyOf('delete', dep));
      }
    }
    // The leftovers of another controller go only once what holds the Service's address is
    // created again (a migration resumed after its old forwarding rule was deleted).
    const holders = [...steps.values()].filter(
      (s) =>
        (s.action === 'create' || s.action === 'replace') &&
        desired.get(s.address)?.schema.holdsAddress !== undefined,
    );
    for (const step of steps.values()) {
      if (step.action !== 'delete' || step.before?.foreign === undefined) continue;
      for (const h of holders) edge(keyOf('create', h.address), keyOf('delete', step.address));
    }
  }
  return sortTopologically(nodes);
}

function sortTopologically(nodes: Map<string, OrderNode>): OrderResult {
  const before = (a: PlannedAction, b: PlannedAction): number =>
    RANK[a.action] - RANK[b.action] || compareStrings(a.address, b.address);
  const ready: OrderNode[] = [];
  const insert = (n: OrderNode): void => {
    let lo = 0;
    let hi = ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before((ready[mid] as OrderNode).action, n.action) < 0) lo = mid + 1;
      else hi = mid;
    }
    ready.splice(lo, 0, n);
  };
  for (const n of nodes.values()) if (n.indegree === 0) insert(n);
  const order: PlannedAction[] = [];
  while (ready.length > 0) {
    const n = ready.shift() as OrderNode;
    order.push(n.action);
    for (const k of n.out) {
      const m = nodes.get(k) as OrderNode;
      if (--m.indegree === 0) insert(m);
    }
  }
  if (order.length === nodes.size) return { ok: true, order };
  const left = [...nodes.entries()].filter(([, n]) => n.indegree > 0);
  const leftKeys = new Set(left.map(([k]) => k));
  const cycle = findCycle(
    left.map(([k]) => k).sort(),
    (k) => nodes.get(k)?.out.filter((o) => leftKeys.has(o)) ?? [],
  );
  return { ok: false, cycle: (cycle ?? []).map((k) => (nodes.get(k) as OrderNode).action) };
}
