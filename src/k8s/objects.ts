/**
 * THE decoding and validation layer for the Kubernetes objects lbctl reads, used by file input
 * (./parse.ts), the controller's verify mode and the sandbox API server. Pure.
 *
 *     decodeService(raw) → { object, problems, notices }   types, nulls, unknown fields, defaults, validation
 *     defaultService(svc)                                   kube-apiserver 1.32's defaults, in place
 *     validateService(svc, { old? }) → FieldProblem[]       kube-apiserver 1.32's validation
 *     decodeNode / validateNode                             the same for Nodes
 *
 * Problems carry the API server's field paths and wording; `formatFieldProblem` renders them.
 */
import type { FieldProblem } from '../core/errors.js';
import type { Node, Service } from '../core/k8s.js';
import { decodeShape, SHAPES } from './shape.js';
import type { Segment } from './shape.js';
import { defaultService } from './validation/defaults.js';
import { validateNode } from './validation/node.js';
import { validateService } from './validation/service.js';

export { defaultService } from './validation/defaults.js';
export { validateNode } from './validation/node.js';
export { validateService } from './validation/service.js';
export type { ValidateOptions } from './validation/service.js';
export { isUuid } from './validation/names.js';

export interface DecodeResult<T> {
  /** The decoded, defaulted object; absent when there are problems. */
  object: T | undefined;
  /** Every problem found: type errors first (they stop decoding), else validation errors. */
  problems: LocatedProblem[];
  /** Unknown fields dropped, one `field` path each (the API server warns about them). */
  unknown: string[];
}

/** A problem with the path of segments into the raw object, to find its line in a file. */
export interface LocatedProblem {
  problem: FieldProblem;
  at: Segment[];
}

export interface DecodeOptions<T> {
  /** The stored object on an update. */
  old?: T;
}

/**
 * A raw JSON value (from a file or a request body) → a Service, with kube-apiserver 1.32's
 * defaults applied and its validation run. Never throws on any input.
 */
export function decodeService(
  raw: unknown,
  opts: DecodeOptions<Service> = {},
): DecodeResult<Service> {
  const decoded = decodeShape('Service', raw);
  if (decoded.value === undefined)
    return { object: undefined, problems: decoded.problems, unknown: decoded.unknown };
  const svc = decoded.value as unknown as Service;
  svc.metadata ??= { name: '' };
  defaultService(svc);
  const problems = validateService(svc, opts.old === undefined ? {} : { old: opts.old });
  // Names and tags derive from the UID's lower-case form, the form the API server issues.
  if (problems.length === 0 && svc.metadata.uid) svc.metadata.uid = svc.metadata.uid.toLowerCase();
  return {
    object: problems.length === 0 ? svc : undefined,
    problems: problems.map((problem) => ({ problem, at: segmentsOf(problem.field) })),
    unknown: decoded.unknown,
  };
}

/** A raw JSON value → a Node, validated like kube-apiserver 1.32 (plus lbctl's address rule). */
export function decodeNode(raw: unknown, opts: DecodeOptions<Node> = {}): DecodeResult<Node> {
  const decoded = decodeShape('Node', raw);
  if (decoded.value === undefined)
    return { object: undefined, problems: decoded.problems, unknown: decoded.unknown };
  const node = decoded.value as unknown as Node;
  node.metadata ??= { name: '' };
  delete node.metadata.namespace; // cluster-scoped: the API server clears it
  const problems = validateNode(node, opts.old === undefined ? {} : { old: opts.old });
  return {
    object: problems.length === 0 ? node : undefined,
    problems: problems.map((problem) => ({ problem, at: segmentsOf(problem.field) })),
    unknown: decoded.unknown,
  };
}

/** `spec.ports[0].name` → ['spec', 'ports', 0, 'name'] (`[key]` of a map → a key segment). */
function segmentsOf(field: string): Segment[] {
  const out: Segment[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : { key: m[2] });
  }
  return out;
}

export const KINDS = Object.keys(SHAPES) as (keyof typeof SHAPES)[];
