import type { FieldProblem } from '../core/errors.js';
import { InvalidInputError } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import { invalid } from './errors.js';
import type { KObject } from './json.js';
import { isObject } from './json.js';
import { decodeService } from '../k8s/objects.js';
import { clone } from './json.js';
import {
  defaultServiceStatus,
  dropTypeDependentFields,
  serviceStatusProblems,
} from './validation/index.js';

/** What admission needs from lbctl's layers module (`LayerAllocator` implements it). */
export interface ServiceAllocator {
  allocate(svc: Service, previous?: Service): Service;
  release(svc: Service): void;
}

const SERVICES = { resource: 'services', group: '' };

/**
 * Service admission as the API server does it, by lbctl's own layers module (one set of
 * rules for files mode and the sandbox): defaults, validation, values kept from the stored
 * object on update, type changes, and allocation of ClusterIP(s), nodePorts and
 * healthCheckNodePort. Defaults and validation are lbctl's one decoding and validation layer
 * (src/k8s/objects.ts, the same as file input); validation/ adds what only a server does
 * (dropping type-dependent fields, healthCheckNodePort on update, status). Refusals become
 * one 422 Invalid Status error with every field cause.
 */
export function admitService(
  input: KObject,
  previous: KObject | undefined,
  allocator: ServiceAllocator,
): KObject {
  if (!isObject(input['spec'])) input['spec'] = {};
  if (previous !== undefined) dropTypeDependentFields(input, previous);
  const svc = input as unknown as Service;
  const old = previous as unknown as Service | undefined;
  // The shared layer decodes (nulls as unset, types), defaults and validates a copy; the
  // sandbox keeps its own metadata and status and takes the decoded spec.
  const decoded = decodeService(clone(input), old === undefined ? {} : { old });
  const problems: FieldProblem[] = decoded.problems.map((p) => p.problem);
  if (decoded.object !== undefined) input['spec'] = decoded.object.spec as unknown as KObject;
  let allocated: Service | undefined;
  try {
    if (problems.length === 0)
      allocated = allocator.allocate(svc, previous as unknown as Service | undefined);
  } catch (e) {
    if (!(e instanceof InvalidInputError)) throw e;
    problems.push(...e.problems);
  }
  if (allocated === undefined || problems.length > 0)
    throw invalid('Service', SERVICES, svc.metadata.name, problems);
  const out = allocated as unknown as KObject;
  if (!isObject(out['status'])) out['status'] = { loadBalancer: {} };
  return out;
}

/** A write to `services/status`: defaulted (ipMode) and validated against the stored spec. */
export function admitServiceStatus(next: KObject): KObject {
  defaultServiceStatus(next);
  const problems = serviceStatusProblems(next);
  if (problems.length > 0)
    throw invalid('Service', SERVICES, String(next.metadata['name']), problems);
  return next;
}
