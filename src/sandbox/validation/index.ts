import type { FieldProblem } from '../../core/errors.js';
import type { KObject } from '../json.js';
import { str } from '../json.js';
import type { ResourceDef } from '../resources.js';
import { toWire } from '../resources.js';
import { coreEventProblems, eventsV1Problems, leaseProblems } from './lease-event.js';

export { defaultServiceStatus, serviceStatusProblems } from './service-status.js';
export {
  defaultServiceSpec,
  dropTypeDependentFields,
  serviceSpecProblems,
  serviceUpdateProblems,
} from './service-spec.js';

/**
 * Kind-specific validation of an object about to be stored (storage form), for the kinds
 * without an admission of their own: what the API server's strategy Validate would say.
 */
export function kindProblems(def: ResourceDef, o: KObject): FieldProblem[] {
  switch (def.storage) {
    case 'leases.coordination.k8s.io':
      return leaseProblems(o);
    case 'events':
      return def.group === 'events.k8s.io'
        ? eventsV1Problems(toWire(def, o), str(o.metadata['namespace']) ?? '')
        : coreEventProblems(o);
    default:
      return [];
  }
}
