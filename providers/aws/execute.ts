import { LbctlError } from '../../src/core/errors.js';
import type { ExecuteRequest } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import type { ExecContext } from './exec-common.js';
import {
  createListener,
  createLoadBalancer,
  deleteListener,
  deleteLoadBalancer,
  updateListener,
  updateLoadBalancer,
} from './exec-load-balancer.js';
import {
  createIngressRule,
  createSecurityGroup,
  deleteIngressRule,
  deleteSecurityGroup,
  updateIngressRule,
  updateSecurityGroup,
} from './exec-security.js';
import { createTargetGroup, deleteTargetGroup, updateTargetGroup } from './exec-target-group.js';
import { INGRESS_RULE, LB, LISTENER, SECURITY_GROUP, TARGET_GROUP } from './schemas.js';

interface Handlers {
  create(ctx: ExecContext, after: Resource): Promise<Resource>;
  update(ctx: ExecContext, before: Resource, after: Resource): Promise<Resource>;
  delete(ctx: ExecContext, before: Resource): Promise<undefined>;
}

const HANDLERS: Record<string, Handlers> = {
  [SECURITY_GROUP]: {
    create: createSecurityGroup,
    update: (c, b, a) => updateSecurityGroup(c, b, a),
    delete: deleteSecurityGroup,
  },
  [LB]: { create: createLoadBalancer, update: updateLoadBalancer, delete: deleteLoadBalancer },
  [TARGET_GROUP]: {
    create: createTargetGroup,
    update: (c, b, a) => updateTargetGroup(c, b, a),
    delete: deleteTargetGroup,
  },
  [LISTENER]: { create: createListener, update: updateListener, delete: deleteListener },
  [INGRESS_RULE]: {
    create: createIngressRule,
    update: updateIngressRule,
    delete: deleteIngressRule,
  },
};

/**
 * One plan step as AWS calls. Idempotent: a create whose resource exists and is ours adopts it
 * and brings it to the desired state; a delete of something gone succeeds; updates write only
 * what differs (compared here from `before` and `after`, so a retried update after a crash
 * writes nothing twice).
 */
export async function executeStep(
  ctx: ExecContext,
  request: ExecuteRequest,
): Promise<Resource | undefined> {
  const { step } = request;
  const resource = step.after ?? step.before;
  if (resource === undefined)
    throw new LbctlError('terminal', `${step.address}: step has neither before nor after`);
  const handlers = HANDLERS[resource.type];
  if (handlers === undefined)
    throw new LbctlError(
      'terminal',
      `${step.address}: the AWS provider does not manage ${resource.type}`,
    );
  switch (step.action) {
    case 'create':
      return handlers.create(ctx, need(step.after, step.address, 'after'));
    case 'update':
      return handlers.update(
        ctx,
        need(step.before, step.address, 'before'),
        need(step.after, step.address, 'after'),
      );
    case 'delete':
      return handlers.delete(ctx, need(step.before, step.address, 'before'));
    default:
      throw new LbctlError(
        'terminal',
        `${step.address}: ${step.action} is not executable (apply expands replace; no-op does nothing)`,
      );
  }
}

function need(r: Resource | undefined, address: string, side: string): Resource {
  if (r === undefined)
    throw new LbctlError('terminal', `${address}: the step has no \`${side}\` resource`);
  if (addressOf(r) !== address)
    throw new LbctlError('terminal', `${address}: the step carries ${addressOf(r)}`);
  return r;
}
