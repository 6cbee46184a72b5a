import type { Plan } from '../core/plan.js';
import type { Attributes, Resource, Value } from '../core/resource.js';
import { isObject } from './values.js';

/**
 * The resources as they stand after every step of `plan` succeeded: created and replaced
 * resources as desired (no `id`, computed values absent: only the cloud knows them), updated
 * ones as observed with the planned changes applied (cloud defaults the desired resource does
 * not mention stay), unchanged ones as observed, deleted ones gone; every survivor has the
 * desired `dependsOn`. Sorted by address.
 */
export function simulateApply(plan: Plan): Resource[] {
  const out: Resource[] = [];
  for (const step of plan.steps) {
    const { before, after } = step;
    switch (step.action) {
      case 'create':
      case 'replace':
        if (after !== undefined) out.push(fresh(after));
        break;
      case 'update':
        if (before !== undefined && after !== undefined) {
          let attributes = before.attributes;
          for (const c of step.changes) attributes = setAt(attributes, c.path, c.after ?? null);
          out.push({ ...before, attributes, dependsOn: [...after.dependsOn] });
        }
        break;
      case 'no-op':
        // Dependencies are what the desired graph says: the ones only observed are released.
        if (before !== undefined && after !== undefined) {
          out.push({ ...before, dependsOn: [...after.dependsOn] });
        }
        break;
      case 'delete':
        break;
    }
  }
  return out;
}

function fresh(r: Resource): Resource {
  return {
    type: r.type,
    name: r.name,
    attributes: structuredClone(r.attributes),
    dependsOn: [...r.dependsOn],
  };
}

/** A copy of `attrs` with the value at a dotted path set, creating objects on the way. */
function setAt(attrs: Attributes, path: string, value: Value): Attributes {
  const dot = path.indexOf('.');
  if (dot < 0) return { ...attrs, [path]: structuredClone(value) };
  const head = path.slice(0, dot);
  const child: Value | undefined = attrs[head];
  return { ...attrs, [head]: setAt(isObject(child) ? child : {}, path.slice(dot + 1), value) };
}
