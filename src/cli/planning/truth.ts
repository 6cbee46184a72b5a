import { LbctlError } from '../../core/errors.js';
import { keyOf, type ServiceKey } from '../../core/k8s.js';
import type { Plan } from '../../core/plan.js';
import { CREATE_REASON } from '../../plan/reason.js';
import type { ServicePlan } from '../../pipeline/index.js';
import type { ObservedSource } from './from-files.js';

/**
 * What a plan may claim about the cloud. The planner's reason for a new resource is "not in the
 * cloud yet", which is only true when the cloud was read; a plan made offline or against a
 * snapshot says what it actually knows. Pure.
 */
export function truthfulReasons(plans: readonly Plan[], source: ObservedSource): Plan[] {
  if (source === 'cloud') return [...plans];
  const reason =
    source === 'none' ? 'the cloud was not read (--offline)' : 'not in the --observed snapshot';
  return plans.map((p) => ({
    ...p,
    steps: p.steps.map((s) => (s.reason === CREATE_REASON ? { ...s, reason } : s)),
  }));
}

/** The one-line notice a plan that did not read the cloud prints on stderr. */
export function sourceNotice(source: ObservedSource, snapshot?: string): string | undefined {
  if (source === 'none')
    return 'Offline: the cloud was not read; this plan assumes none of these resources exist.';
  if (source === 'snapshot')
    return `Planned against the snapshot ${snapshot ?? ''}, not the cloud.`.replace('  ', ' ');
  return undefined;
}

/**
 * Warnings for plans that are valid but almost certainly not what was meant: no Service at all,
 * and a Service whose load balancer would have no target (no Node given, or all excluded).
 * `inputs` names the files read; a plan against a cluster (undefined) says which filter found
 * nothing itself.
 */
export function planWarnings(
  services: readonly ServicePlan[],
  inputs: string | undefined,
): string[] {
  if (services.length === 0 && inputs !== undefined)
    return [`Warning: no Service found in ${inputs}: nothing to plan.`];
  const empty = services.filter((s) => s.intent !== undefined && s.intent.targets.length === 0);
  if (empty.length === 0) return [];
  const live = empty.some((s) => s.observed.length > 0);
  const refusal = live
    ? '; apply refuses to empty a live load balancer unless --allow-empty-targets'
    : '';
  // One line, not one per Service, for the common case of no Node given at all.
  const who =
    empty.length === 1
      ? `Service ${keyOf((empty[0] as ServicePlan).service)} has`
      : `${empty.length} Services (${empty.map((s) => keyOf(s.service)).join(', ')}) have`;
  return [
    `Warning: ${who} no eligible Node (none given, or all excluded): ${empty.length === 1 ? 'its load balancer' : 'their load balancers'} would have no targets${refusal}.`,
  ];
}

/** A Service with no eligible Node whose load balancer is live: applying its plan empties it. */
export const emptiesLiveTargets = (s: ServicePlan): boolean =>
  s.intent !== undefined && s.intent.targets.length === 0 && s.observed.length > 0;

/**
 * Emptying the target set of a load balancer that serves traffic takes the Service down; when
 * it comes from missing Node input rather than intent, it is a mistake. Refused unless asked.
 * `services` are the plans about to be applied, or the keys a saved plan marked as emptying.
 */
export function refuseEmptyTargets(
  services: readonly ServicePlan[] | readonly { service: ServiceKey; emptiesTargets: boolean }[],
  allow: boolean,
): void {
  if (allow) return;
  const empty = services.filter((s) =>
    'emptiesTargets' in s ? s.emptiesTargets : emptiesLiveTargets(s),
  );
  if (empty.length === 0) return;
  throw new LbctlError(
    'invalid',
    `${empty.map((s) => `Service ${keyOf(s.service)}`).join(', ')}: no eligible Node, so its live load balancer would be left with no targets; give the Nodes (-f nodes.yaml), or pass --allow-empty-targets to do it anyway. Nothing was changed`,
  );
}
