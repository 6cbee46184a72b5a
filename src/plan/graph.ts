import { addressOf } from '../core/resource.js';
import type { Resource, ResourceSchema, SchemaSet, Value } from '../core/resource.js';
import { PlanGraphError } from './errors.js';
import { valueAt } from './values.js';

/** One resource of a graph with what the planner derives from it once. */
export interface GraphNode {
  address: string;
  resource: Resource;
  schema: ResourceSchema;
  /** `dependsOn` plus every reference that names a resource of the same graph; sorted. */
  deps: string[];
  /** Every address held by a `references` attribute, with the attribute's path. */
  refs: Map<string, string[]>;
}

export type Graph = Map<string, GraphNode>;

/**
 * Indexes one graph (`desired` or `observed`) by address and checks it: a schema for every
 * type, unique addresses, every `dependsOn` entry present, no dependency cycle. References
 * to addresses outside the graph are allowed (a reference may hold a cloud ID of something
 * lbctl does not manage) and simply order nothing.
 */
export function indexGraph(
  which: 'desired' | 'observed',
  resources: readonly Resource[],
  schemas: SchemaSet,
  providerName: string,
): Graph {
  const graph: Graph = new Map();
  for (const resource of resources) {
    const address = addressOf(resource);
    const schema = schemas[resource.type];
    if (schema === undefined) {
      const known = Object.keys(schemas).sort().join(', ') || 'none';
      throw new PlanGraphError(
        `${which} resource ${address}: provider ${providerName} has no schema for resource type "${resource.type}" (known types: ${known})`,
        [resource.type],
      );
    }
    if (graph.has(address)) {
      throw new PlanGraphError(`${which} resources contain ${address} twice`, [address]);
    }
    graph.set(address, {
      address,
      resource,
      schema,
      deps: [],
      refs: referencesOf(resource, schema),
    });
  }
  for (const node of graph.values()) {
    const deps = new Set<string>();
    for (const dep of node.resource.dependsOn) {
      if (!graph.has(dep)) {
        throw new PlanGraphError(
          `${which} resource ${node.address} depends on ${dep}, which is not among the ${which} resources`,
          [node.address, dep],
        );
      }
      deps.add(dep);
    }
    for (const ref of node.refs.keys()) if (graph.has(ref)) deps.add(ref);
    deps.delete(node.address);
    node.deps = [...deps].sort();
  }
  const cycle = findCycle([...graph.keys()].sort(), (a) => graph.get(a)?.deps ?? []);
  if (cycle !== undefined) {
    throw new PlanGraphError(
      `dependency cycle in the ${which} resources: ${cycle.join(' -> ')}`,
      cycle.slice(0, -1),
    );
  }
  return graph;
}

function referencesOf(resource: Resource, schema: ResourceSchema): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  for (const path of schema.references ?? []) {
    const v: Value | undefined = valueAt(resource.attributes, path);
    const values = Array.isArray(v) ? v : [v];
    for (const x of values) {
      if (typeof x !== 'string') continue;
      const paths = refs.get(x);
      if (paths === undefined) refs.set(x, [path]);
      else if (!paths.includes(path)) paths.push(path);
    }
  }
  return refs;
}

/**
 * A cycle in a directed graph, as the list of its nodes with the first repeated at the end
 * (`a -> b -> a`), or undefined. Visits nodes and edges in the given order, so the cycle
 * reported is deterministic. Iterative: deep graphs do not overflow the stack.
 */
export function findCycle(
  nodes: readonly string[],
  edges: (node: string) => readonly string[],
): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1 on the current path, 2 done
  for (const start of nodes) {
    if (state.has(start)) continue;
    const path: string[] = [];
    const stack: { node: string; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, 1);
    path.push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: string; next: number };
      const out = edges(top.node);
      if (top.next >= out.length) {
        state.set(top.node, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const to = out[top.next++] as string;
      const s = state.get(to);
      if (s === 1) return [...path.slice(path.indexOf(to)), to];
      if (s === undefined) {
        state.set(to, 1);
        path.push(to);
        stack.push({ node: to, next: 0 });
      }
    }
  }
  return undefined;
}
