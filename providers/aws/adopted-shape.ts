import { addressOf, type Resource } from '../../src/core/resource.js';
import { LB_ADDRESS, SG_ADDRESS } from './desired.js';
import { INGRESS_RULE, SECURITY_GROUP, TARGET_GROUP } from './schemas.js';

// The shape an NLB adopted from the in-tree provider keeps (pure; see ./adopt.ts for the takeover).

/** Tag on an adopted NLB: later plans keep its in-tree shape (see keepAdoptedShape). */
export const ADOPTED_TAG = 'lbctl.io/adopted';
export const ADOPTED_FROM_IN_TREE = 'in-tree';
/** Resource.foreign.madeBy of the in-tree provider's resources (shown in the plan). */
export const IN_TREE_PROVIDER = 'the in-tree AWS provider (cloud-controller-manager)';

type Tags = Record<string, string>;

/**
 * The desired graph kept in the shape of an adopted NLB (pure; the model's `fitDesired`): when
 * the observed load balancer is the in-tree one being adopted (`foreign`) or carries
 * `lbctl.io/adopted: in-tree` (every plan after the takeover), no security group (nor node
 * rules referencing it) and the observed target group names.
 */
export function keepAdoptedShape(
  desired: readonly Resource[],
  observed: readonly Resource[],
): Resource[] {
  const lb = observed.find((r) => addressOf(r) === LB_ADDRESS);
  const tags = (lb?.attributes['tags'] ?? {}) as Tags;
  const adopting = lb?.foreign?.madeBy === IN_TREE_PROVIDER;
  if (!adopting && tags[ADOPTED_TAG] !== ADOPTED_FROM_IN_TREE) return [...desired];
  const names = new Map(
    observed
      .filter((r) => r.type === TARGET_GROUP)
      .map((r) => [addressOf(r), String(r.attributes['name'])]),
  );
  return inTreeShape(desired, names);
}

function inTreeShape(
  desired: readonly Resource[],
  tgNames: ReadonlyMap<string, string>,
): Resource[] {
  const tagged = (r: Resource, extra: Tags): Resource => ({
    ...r,
    attributes: { ...r.attributes, tags: { ...(r.attributes['tags'] as Tags), ...extra } },
  });
  return desired
    .filter((r) => r.type !== SECURITY_GROUP && r.type !== INGRESS_RULE)
    .map((r) => {
      if (addressOf(r) === LB_ADDRESS) {
        return tagged(
          {
            ...r,
            attributes: { ...r.attributes, security_group: null },
            dependsOn: r.dependsOn.filter((d) => d !== SG_ADDRESS),
          },
          { [ADOPTED_TAG]: ADOPTED_FROM_IN_TREE },
        );
      }
      const name = tgNames.get(addressOf(r));
      if (r.type === TARGET_GROUP && name !== undefined)
        return { ...r, attributes: { ...r.attributes, name } };
      return r;
    });
}
