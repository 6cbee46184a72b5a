import type { LoadBalancerIntent } from './intent.js';
import type { LoadBalancerIngress, Protocol, ServiceIdentity } from './k8s.js';
import type { Step } from './plan.js';
import type { Resource, SchemaSet } from './resource.js';

export type ProviderName = 'aws' | 'gcp' | 'azure' | 'local';

/**
 * The pure half of a provider: enough to plan from files with no cloud at all.
 * Nothing here does I/O, reads a clock or draws a random number.
 */
export interface ProviderModel {
  readonly name: ProviderName;
  readonly schemas: SchemaSet;
  /**
   * The resources one Service needs, in no particular order; every resource carries the
   * ownership tags (or the cloud's equivalent) of src/core/tags.ts. Must not throw for an
   * intent that src/intent produced, except an InvalidInputError for a provider-specific
   * limit (e.g. more listeners than the cloud allows), naming the field.
   */
  desired(intent: LoadBalancerIntent): Resource[];
  /** What goes into the Service's status.loadBalancer.ingress, from observed or applied resources. */
  ingress(resources: readonly Resource[]): LoadBalancerIngress[];
  /**
   * Optional: the Service ports this cloud cannot serve (a protocol it refuses, e.g. SCTP on an
   * AWS NLB or an Azure LB). Pure. The pipeline (src/pipeline) leaves them out of the intent
   * given to `desired`, so the other ports are served instead of failing the Service whole;
   * the controller reports them in `status.loadBalancer.ingress[].ports[].error`
   * (`lbctl.io/<reason>`) and the `LoadBalancerPortsError` condition. When every port is
   * refused the Service is invalid input. A provider without this method serves every port of
   * the intent or throws InvalidInputError from `desired`.
   */
  refusedPorts?(intent: LoadBalancerIntent): RefusedPort[];
  /**
   * The NodePorts a Service's live load balancer forwards to, read from its observed resources
   * (pure). Plans from files take a Service port's nodePort from here when the manifest does not
   * write one, before allocating a new one, so that a Service's plan does not depend on which
   * other files are planned with it. One entry per Service port (protocol and port); a listener
   * that serves TCP and UDP gives both. Optional: without it, file plans allocate afresh.
   */
  observedNodePorts?(observed: readonly Resource[]): ObservedNodePort[];
  /**
   * The port the live load balancer probes with HTTP `/healthz`, for the same purpose: an
   * `externalTrafficPolicy: Local` Service's healthCheckNodePort, when the manifest leaves it out.
   * Undefined when nothing probes that way. Optional, pure.
   */
  observedHealthCheckNodePort?(observed: readonly Resource[]): number | undefined;
  /**
   * Optional: the desired graph fitted to what exists where the cloud can never change it in
   * place, e.g. a load balancer adopted from another controller keeps the shape its maker gave
   * it (AWS: an NLB made without a security group, the in-tree target group names; issue 12).
   * Pure. The pipeline calls it between observe and plan on every plan, adoption or not, so an
   * adopted shape is kept on later reconciles. Without it, `desired` is planned as it is.
   */
  fitDesired?(desired: readonly Resource[], observed: readonly Resource[]): Resource[];
}

/** A Service port a provider refuses (ProviderModel.refusedPorts). */
export interface RefusedPort {
  /** The listener's name (LoadBalancerIntent.listeners[].name). */
  listener: string;
  port: number;
  protocol: Protocol;
  /** CamelCase, e.g. `ProtocolNotSupported`; the port status error is `lbctl.io/<reason>`. */
  reason: string;
  /** For people: what the cloud refuses and what it allows. */
  message: string;
}

/** A Service port and the NodePort its live load balancer forwards it to. */
export interface ObservedNodePort {
  protocol: Protocol;
  port: number;
  nodePort: number;
}

export interface ObserveRequest {
  service: ServiceIdentity;
  /**
   * The desired graph, so observe can also look up resources that the Service *would* own by
   * name and fail with NotOwnedError when one exists without this cluster's ownership tag.
   */
  desired: readonly Resource[];
  /**
   * Adoption (`--adopt`, issue 12): also return the resources another controller made for this
   * Service (recognised by the in-tree provider's names and tags), with `foreign` set, instead of
   * failing with NotOwnedError. A provider that cannot recognise them ignores it. Implemented by
   * aws (the in-tree NLB, providers/aws/adopt.ts), azure (the Service's in-tree children and
   * public IP on the shared load balancer, providers/azure/adopt.ts) and gcp (the in-tree target
   * pool, a migration: providers/gcp/intree.ts); set by the pipeline's `adoptingProvider`
   * (`lbctl plan|apply|run --adopt`).
   */
  adopt?: boolean;
  /**
   * Report the shared objects this Service does not want while other Services still use them,
   * marked `Resource.shared`, instead of leaving them out. For a plan of several Services at once
   * (`lbctl plan|apply|destroy`), which settles them with src/plan/shared.ts: an object every
   * user of which lets go is deleted once. Without it (the controller, one Service at a time) such
   * an object is left out of the Service's observed state. Implemented by azure.
   */
  includeShared?: boolean;
}

export interface ExecuteRequest {
  /** Always `create`, `update` or `delete`: apply expands `replace` into delete then create. */
  step: Step;
  /** Every resource of the Service known so far (observed, or returned by earlier steps), by address, to resolve references to cloud IDs. */
  state: ReadonlyMap<string, Resource>;
}

/**
 * One resource found by the cluster-wide ownership sweep: it carries this cluster's ownership
 * tag, in the shape `observe` returns (address, `id`, attributes).
 */
export interface OwnedResource {
  resource: Resource;
  /**
   * The Service its `service-name` / `service-uid` tags name. Absent for objects that several
   * Services share (Azure's cluster load balancer and security group): no single Service's
   * disappearance makes them orphans, so the orphan planner leaves them to the provider.
   */
  service?: ServiceIdentity;
}

export interface ProviderContext {
  clusterName: string;
  signal?: AbortSignal;
}

/**
 * The I/O half. Contracts:
 * - `observe` only reads, finds resources by ownership tags (never by name alone) and returns
 *   them in the same shape `desired` builds, with `id` set. It returns [] when nothing exists.
 * - `execute` performs one step and returns the resource as the cloud now has it (undefined after
 *   a delete). It is idempotent: a create whose resource already exists (owned) adopts it; a
 *   delete of a resource that is already gone succeeds. It changes member sets by delta only.
 * - Both throw LbctlError with the kind that decides the retry (src/core/errors.ts).
 */
export interface Provider extends ProviderModel {
  observe(request: ObserveRequest, ctx: ProviderContext): Promise<Resource[]>;
  execute(request: ExecuteRequest, ctx: ProviderContext): Promise<Resource | undefined>;
  /**
   * Every resource of the account / project / resource group that carries this cluster's
   * ownership tag, found by listing it once (paged, tags read in batches). Reads only. This is
   * the one place lbctl lists a whole account: the rare cluster-wide orphan sweep, never a
   * Service's reconcile. A resource without the ownership tag is never returned.
   */
  sweep(ctx: ProviderContext): Promise<OwnedResource[]>;
  /** Every cloud call this provider made, for call accounting, metrics and tests. */
  readonly calls: CallLog;
  /**
   * The client-side rate per API class (calls per second) the provider holds itself to, as its
   * CallRecords name the classes. The controller's verification budget is a share of these.
   */
  readonly clientRates?: Readonly<Record<string, number>>;
}

export type CallOutcome = 'ok' | 'throttled' | 'transient' | 'not-found' | 'conflict' | 'error';

export interface CallRecord {
  provider: ProviderName;
  /** The cloud API's operation name, e.g. `CreateLoadBalancer`, `forwardingRules.insert`, `LoadBalancers.CreateOrUpdate`. */
  operation: string;
  /** Whether the operation changes anything in the cloud (counted separately: a no-op must make zero writes). */
  write: boolean;
  /** The client-side rate-limit class the call was charged to (`describe`, `ec2-describe`, `read`), when known. */
  apiClass?: string;
  outcome: CallOutcome;
  durationMs: number;
  /** What the cloud or the network said, for an outcome other than `ok` (first line). */
  message?: string;
}

export interface CallLog {
  record(call: CallRecord): void;
  /** Snapshot of every call so far, oldest first. */
  readonly calls: readonly CallRecord[];
  /** Counts by `operation` (and outcome when asked). */
  count(filter?: Partial<Pick<CallRecord, 'operation' | 'write' | 'outcome'>>): number;
  reset(): void;
}

/**
 * Settings a provider is configured with. `values` come from repeated `--set key=value` flags
 * and `LBCTL_<PROVIDER>_<KEY>` environment variables (e.g. region, vpc-id, project, network,
 * subscription-id, resource-group, endpoint); each provider validates its own keys and throws
 * InvalidInputError naming the key, the value and what is allowed. `env` is the process
 * environment, passed in so that providers stay testable.
 */
export interface ProviderSettings {
  clusterName: string;
  values: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string | undefined>>;
}

/** What `providers/<name>/index.ts` exports as `provider`; the CLI's composition root loads it lazily. */
export interface ProviderModule {
  readonly name: ProviderName;
  /** The pure model, for plans from files. Must not touch the network or read credentials. */
  model(settings: ProviderSettings): ProviderModel;
  /**
   * True when settings or the environment point at a cloud API (credentials, an endpoint
   * override), so `lbctl plan` observes the cloud instead of assuming nothing exists.
   */
  isConfigured(settings: ProviderSettings): boolean;
  /**
   * SDK clients are created here; no call is made until observe or execute. Async so that the
   * SDK is imported only here: `model` and `isConfigured` must not load it (`plan --offline`).
   */
  connect(settings: ProviderSettings, options: { calls: CallLog }): Promise<Provider>;
}
