import type { LoadBalancerIntent } from '../core/intent.js';
import type { Node, Service, ServiceIdentity } from '../core/k8s.js';
import type { Plan } from '../core/plan.js';
import { InvalidInputError } from '../core/errors.js';
import { keyOf } from '../core/k8s.js';
import type { Provider, ProviderContext, ProviderModel, RefusedPort } from '../core/provider.js';
import type { Resource } from '../core/resource.js';
import { buildIntent, wantsLoadBalancer } from '../intent/index.js';
import { verifyLayers } from '../layers/index.js';
import { plan, serviceAllowsReplacement } from '../plan/index.js';

/**
 * `verify`: the Service comes from an API server that allocated its ClusterIP and NodePorts;
 * check that they are there and usable. `allocated`: the caller allocated them itself
 * (files, sandbox) with src/layers, so there is nothing to verify.
 */
export type LayersMode = 'verify' | 'allocated';

export interface PrepareOptions {
  service: Service;
  nodes: readonly Node[];
  model: ProviderModel;
  clusterName: string;
  mode: LayersMode;
  /** The class this lbctl handles (`--load-balancer-class`); absent: Services without a class. */
  loadBalancerClass?: string;
  /** Plan the deletion of everything the Service owns whatever it asks for (`lbctl destroy`). */
  destroy?: boolean;
}

/** The pure half of a Service's plan: what it needs, before anything is observed. */
export interface PreparedService {
  service: ServiceIdentity;
  /** Absent when the Service wants no load balancer (type or class changed, being deleted, destroy). */
  intent: LoadBalancerIntent | undefined;
  /** [] when the Service wants no load balancer: the plan deletes everything observed. */
  desired: Resource[];
  /** Ports the provider refuses (ProviderModel.refusedPorts), left out of `desired`; `intent` keeps every port. */
  refused: RefusedPort[];
  /** The Service's `lbctl.io/allow-replacement: "true"` (the replacement guardrail, src/plan/guard.ts). */
  allowsReplacement: boolean;
}

export type PlanServiceOptions = Omit<PrepareOptions, 'model'> &
  ({ provider: Provider; model?: undefined } | { model: ProviderModel; provider?: undefined }) & {
    /** Resources that exist, when known already (a snapshot file); wins over `provider.observe`. */
    observed?: readonly Resource[];
    ctx?: ProviderContext;
  };

export interface ServicePlan extends PreparedService {
  observed: Resource[];
  plan: Plan;
}

/**
 * Layers → intent → desired: pure, so every input error surfaces before any cloud call.
 * Throws InvalidInputError (naming the Service, the field, the value and what is allowed).
 */
export function prepareService(options: PrepareOptions): PreparedService {
  const { service, model } = options;
  const wants =
    options.destroy !== true &&
    service.metadata.deletionTimestamp === undefined &&
    wantsLoadBalancer(
      service,
      options.loadBalancerClass === undefined
        ? {}
        : { loadBalancerClass: options.loadBalancerClass },
    );
  if (!wants) {
    const none = { intent: undefined, desired: [], refused: [], allowsReplacement: false };
    return { service: identityOf(service), ...none };
  }
  // Every provider here targets NodePorts, so a Service without them cannot be served.
  if (options.mode === 'verify') verifyLayers(service, { requireNodePorts: true });
  const intent = buildIntent(service, options.nodes, {
    clusterName: options.clusterName,
    provider: model.name,
  });
  const allowsReplacement = serviceAllowsReplacement({
    service: intent.service,
    annotations: service.metadata.annotations,
  });
  const refused = model.refusedPorts?.(intent) ?? [];
  return {
    service: intent.service,
    intent,
    desired: model.desired(servable(intent, refused)),
    refused,
    allowsReplacement,
  };
}

/** The intent without the refused ports; every port refused is invalid input, naming them. */
function servable(intent: LoadBalancerIntent, refused: readonly RefusedPort[]): LoadBalancerIntent {
  if (refused.length === 0) return intent;
  const names = new Set(refused.map((r) => r.listener));
  const listeners = intent.listeners.filter((l) => !names.has(l.name));
  if (listeners.length === 0) {
    throw new InvalidInputError(`Service ${keyOf(intent.service)}`, [
      {
        type: 'NotSupported',
        field: 'spec.ports',
        value: refused.map((r) => `${r.port}/${r.protocol}`).join(', '),
        detail: `no port can be served: ${refused.map((r) => r.message).join('; ')}`,
      },
    ]);
  }
  return { ...intent, listeners };
}

/**
 * THE function that turns one Service into a plan, used by `lbctl plan`, `lbctl apply` and the
 * controller alike, so that what a plan shows is exactly what runs. Observed resources come from
 * `observed` when given, else from `provider.observe`, else nothing exists (a `model` only).
 */
export async function planService(options: PlanServiceOptions): Promise<ServicePlan> {
  const model: ProviderModel = options.provider ?? options.model;
  const prepared = prepareService({ ...options, model });
  const observed = await observeFor(prepared, options);
  const desired = fittedDesired(prepared, model, observed);
  return { ...prepared, desired, observed, plan: planPrepared(prepared, model, observed) };
}

/** Plans a prepared Service against what exists (the last, pure step of planService). */
export function planPrepared(
  prepared: PreparedService,
  model: ProviderModel,
  observed: readonly Resource[],
): Plan {
  return plan({
    service: prepared.service,
    provider: { name: model.name, schemas: model.schemas },
    desired: fittedDesired(prepared, model, observed),
    observed,
  });
}

/** The desired graph fitted to what exists (ProviderModel.fitDesired: an adopted shape is kept). */
function fittedDesired(
  prepared: PreparedService,
  model: ProviderModel,
  observed: readonly Resource[],
): Resource[] {
  return model.fitDesired?.(prepared.desired, observed) ?? prepared.desired;
}

/**
 * The provider with every observe asking for adoption (ObserveRequest.adopt, `--adopt`): the
 * resources another controller made for a Service come back `foreign`, and the plan takes them
 * over (Step.adopts) instead of failing with NotOwnedError. The one place `adopt` is set, for
 * the CLI and the controller alike. Providers are plain objects, so spreading keeps the rest.
 */
export function adoptingProvider(provider: Provider): Provider {
  return {
    ...provider,
    observe: (request, ctx) => provider.observe({ ...request, adopt: true }, ctx),
  };
}

async function observeFor(
  prepared: PreparedService,
  options: PlanServiceOptions,
): Promise<Resource[]> {
  if (options.observed !== undefined) return [...options.observed];
  if (options.provider === undefined) return [];
  return options.provider.observe(
    { service: prepared.service, desired: prepared.desired },
    options.ctx ?? { clusterName: options.clusterName },
  );
}

/** The Service's identity when there is no intent to take it from (deletions). */
export function identityOf(service: Service): ServiceIdentity {
  return {
    namespace: service.metadata.namespace ?? 'default',
    name: service.metadata.name,
    uid: service.metadata.uid ?? '',
  };
}
