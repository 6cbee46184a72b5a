import { InvalidInputError } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import { invalid } from './errors.js';
import type { KObject } from './json.js';
import { isObject } from './json.js';

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
 * healthCheckNodePort. Refusals become 422 Invalid Status errors with the field causes.
 */
export function admitService(
  input: KObject,
  previous: KObject | undefined,
  allocator: ServiceAllocator,
): KObject {
  if (!isObject(input['spec'])) input['spec'] = {};
  const svc = input as unknown as Service;
  let allocated: Service;
  try {
    allocated = allocator.allocate(svc, previous as unknown as Service | undefined);
  } catch (e) {
    if (e instanceof InvalidInputError)
      throw invalid('Service', SERVICES, svc.metadata.name, e.problems);
    throw e;
  }
  const out = allocated as unknown as KObject;
  if (!isObject(out['status'])) out['status'] = { loadBalancer: {} };
  return out;
}
