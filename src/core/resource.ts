/**
 * The resource graph shared by every provider and the generic planner.
 * A resource is addressed Terraform-style as `type.name` (e.g. `aws_lb.this`,
 * `aws_lb_listener.tcp-80`). Attributes are plain JSON. A reference to another resource
 * of the same graph is written as its address (a string attribute named in the schema's
 * `references`), never as a cloud ID: `observe` maps cloud IDs back to addresses and
 * `execute` resolves addresses to IDs from the state it is given.
 */

export type Scalar = string | number | boolean | null;
export type Value = Scalar | Value[] | { [key: string]: Value };
export type Attributes = Record<string, Value>;

export interface Resource {
  type: string;
  name: string;
  /** The cloud's identifier (ARN, self link, ARM ID); present on observed resources only. */
  id?: string;
  attributes: Attributes;
  /** Addresses this resource needs to exist first (created before it, deleted after it). */
  dependsOn: string[];
  /**
   * Set by `observe` only when asked to adopt (ObserveRequest.adopt): the resource lacks this
   * cluster's ownership tags but was recognised as made for this Service by another controller
   * (the in-tree cloud provider's names and tags). The plan takes it over (Step.adopts).
   */
  foreign?: { madeBy: string };
  /**
   * Set by `observe` only when asked (ObserveRequest.includeShared) on a cloud object several
   * Services use (Azure's cluster load balancer): `holder` is this Service's name among its users,
   * `others` the users that still have something on it. src/plan/shared.ts settles, over the
   * Services of one plan, whether the object goes or stays; the marker never reaches a plan.
   */
  shared?: { holder: string; others: string[] };
}

export const addressOf = (r: Pick<Resource, 'type' | 'name'>): string => `${r.type}.${r.name}`;

/**
 * What the planner needs to know about one resource type. Attribute paths are dotted
 * (`health_check.port`); a path names an attribute and everything below it.
 */
export interface ResourceSchema {
  type: string;
  /** Changing any of these cannot be done in place: the resource is replaced. */
  forceNew: string[];
  /**
   * Arrays that are unordered member sets (targets, CIDRs, backends): compared as sets and
   * diffed into add/remove so that execute changes only the delta.
   */
  sets: string[];
  /** Known only after the cloud creates the resource (IDs, DNS names, addresses the cloud picks). */
  computed: string[];
  /**
   * Attributes holding addresses of other resources (a string or an array of strings). Replacing
   * the referenced resource replaces this one too (its cloud ID changes under it); the planner
   * also orders such references like `dependsOn`.
   */
  references?: string[];
  /**
   * Set on the types whose cloud object holds the address the Service's status shows
   * (`status.loadBalancer.ingress`): replacing such a resource changes the address clients use,
   * which the controller and `lbctl apply` refuse by default (docs/cli.md, "Replacement
   * guardrails").
   */
  holdsAddress?: AddressHolding;
}

/**
 * How a provider says "the address is kept". A replacement keeps the Service's address when one
 * of `keptBy`'s paths has the same non-empty value before and after, and, if that path is a
 * reference, the resource it names is neither replaced nor deleted: the address lives in a
 * separate object the new resource takes over (Elastic IPs, a reserved address, a public IP).
 */
export interface AddressHolding {
  keptBy?: string[];
  /** What a replacement that keeps the address still changes, shown in the plan (AWS: the NLB's DNS name). */
  caveat?: string;
}

export type SchemaSet = Readonly<Record<string, ResourceSchema>>;
