import type { FieldProblem } from '../core/errors.js';
import { InvalidInputError } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import { invalid } from './errors.js';
import type { KObject } from './json.js';
import { isObject } from './json.js';
import {
  defaultServiceSpec,
  defaultServiceStatus,
  dropTypeDependentFields,
  serviceSpecProblems,
  serviceStatusProblems,
  serviceUpdateProblems,
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
 * healthCheckNodePort; plus the server-only rules of validation/ (type-dependent fields,
 * immutability). Refusals become one 422 Invalid Status error with every field cause.
 */
export function admitService(
  input: KObject,
  previous: KObject | undefined,
  allocator: ServiceAllocator,
): KObject {
  if (!isObject(input['spec'])) input['spec'] = {};
  if (previous !== undefined) dropTypeDependentFields(input, previous);
  defaultServiceSpec(input);
  const problems: FieldProblem[] = [
    ...serviceSpecProblems(input),
    ...(previous === undefined ? [] : serviceUpdateProblems(input, previous)),
  ];
  const svc = input as unknown as Service;
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
