import type { Plan } from '../core/plan.js';
import type { Attributes, Resource, Value } from '../core/resource.js';
import { isObject } from './values.js';

/**
 * The resources as they stand after every step of `plan` succeeded: created and replaced
 * resources as desired (no `id`, computed values absent: only the cloud knows them), updated
 * ones as observed with the desired attributes laid over (cloud defaults the desired resource
 * does not mention stay), unchanged ones as observed, deleted ones gone. Sorted by address.
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
          out.push({
            ...before,
            attributes: overlay(before.attributes, after.attributes),
            dependsOn: [...after.dependsOn],
          });
        }
        break;
      case 'no-op':
        if (before !== undefined) out.push(before);
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

function overlay(base: Attributes, top: Attributes): Attributes {
  const out: Attributes = { ...base };
  for (const [k, v] of Object.entries(top)) {
    const b: Value | undefined = out[k];
    out[k] = isObject(v) && isObject(b) ? overlay(b, v) : structuredClone(v);
  }
  return out;
}
