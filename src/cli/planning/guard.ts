import { LbctlError } from '../../core/errors.js';
import { keyOf } from '../../core/k8s.js';
import type { Plan } from '../../core/plan.js';
import { addressChanges, describeBlocked } from '../../plan/index.js';

const CLI_HOW =
  'annotate the Service with lbctl.io/allow-replacement: "true" or run lbctl apply --allow-replacement.';

/**
 * `lbctl apply`'s replacement guardrail, the controller's rule: a plan that replaces what holds
 * a Service's address (without keeping it) is refused before anything changes, unless the
 * Service's annotation or `--allow-replacement` allows it. Thrown after the plan is shown, so the
 * user sees the `# changes the Service's address` lines it refers to.
 */
export function refuseAddressChanges(
  services: readonly { plan: Plan; allowsReplacement?: boolean }[],
  allowFlag: boolean,
): void {
  if (allowFlag) return;
  const blocked = services.filter(
    (s) => s.allowsReplacement !== true && addressChanges(s.plan).length > 0,
  );
  if (blocked.length === 0) return;
  const lines = blocked.map(
    (s) => `Service ${keyOf(s.plan.service)}: ${describeBlocked(s.plan, CLI_HOW)}`,
  );
  throw new LbctlError('invalid', `${lines.join('\n')}\nNothing was changed.`);
}
