import type { FieldProblem } from '../../core/errors.js';
import type { KObject } from '../json.js';
import { str } from '../json.js';
import type { ResourceDef } from '../resources.js';
import { toWire } from '../resources.js';
import { coreEventProblems, eventsV1Problems, leaseProblems } from './lease-event.js';
import { bindingProblems, defaultBinding, rulesProblems } from './rbac.js';
import { defaultDeployment, deploymentProblems, pdbProblems } from './workloads.js';
import type { Node } from '../../core/k8s.js';
import { decodeNode } from '../../k8s/objects.js';
import { clone } from '../json.js';

/** Nodes by the shared decoding and validation layer; the decoded spec and status are kept. */
function nodeProblems(o: KObject, previous: KObject | undefined): FieldProblem[] {
  const old = previous as unknown as Node | undefined;
  const decoded = decodeNode(clone(o), old === undefined ? {} : { old });
  if (decoded.object !== undefined) {
    const n = decoded.object as unknown as KObject;
    for (const f of ['spec', 'status']) {
      if (n[f] === undefined) delete o[f];
      else o[f] = n[f];
    }
  }
  return decoded.problems.map((p) => p.problem);
}

export { defaultServiceStatus, serviceStatusProblems } from './service-status.js';
export { dropTypeDependentFields } from './service-spec.js';

/**
 * Kind-specific validation of an object about to be stored (storage form), for the kinds
 * without an admission of their own: what the API server's strategy Validate would say.
 */
export function kindProblems(def: ResourceDef, o: KObject, previous?: KObject): FieldProblem[] {
  switch (def.storage) {
    case 'roles.rbac.authorization.k8s.io':
    case 'clusterroles.rbac.authorization.k8s.io':
      return rulesProblems(o, def.namespaced);
    case 'rolebindings.rbac.authorization.k8s.io':
    case 'clusterrolebindings.rbac.authorization.k8s.io':
      return bindingProblems(o, def.namespaced, previous);
    case 'deployments.apps':
      return deploymentProblems(o, previous);
    case 'poddisruptionbudgets.policy':
      return pdbProblems(o);
    case 'nodes':
      return nodeProblems(o, previous);
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

/** The kind's defaults (SetDefaults_*), applied before validation. */
export function kindDefaults(def: ResourceDef, o: KObject): void {
  if (def.storage === 'deployments.apps') defaultDeployment(o);
  if (def.resource === 'rolebindings' || def.resource === 'clusterrolebindings') defaultBinding(o);
}
