import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createCallLog } from '../../core/calls.js';
import {
  InvalidInputError,
  LbctlError,
  formatFieldProblem,
  isLbctlError,
} from '../../core/errors.js';
import { keyOf, type Node, type Service } from '../../core/k8s.js';
import type { ProviderName } from '../../core/provider.js';
import type { Resource } from '../../core/resource.js';
import { FINALIZER } from '../../controller/finalizer.js';
import { DEFAULT_LAYERS, LayerAllocator } from '../../layers/index.js';
import {
  identityOf,
  planPrepared,
  prepareService,
  type ServicePlan,
} from '../../pipeline/index.js';
import { settingsFrom, type ProviderLoader } from '../providers.js';
import { DEFAULT_PARALLELISM, type FilesPlan } from './from-files.js';
import { observeAll } from './observe-all.js';
import { clusterReadError } from '../../k8s/cluster-errors.js';
import { readInputs } from './inputs.js';
import { notConfiguredMessage } from './not-configured.js';
import { retryNotices } from './retry-notices.js';

export interface ClusterPlanRequest {
  kc: KubeConfig;
  provider: ProviderName;
  clusterName: string;
  set: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Only this namespace (default: all). */
  namespace?: string;
  /** A label selector, as kubectl's `-l`. */
  selector?: string;
  /** Only the Services with these names. */
  names?: readonly string[];
  /** `-f`: proposed Services, planned as if applied to the cluster now (nothing is sent). */
  proposedFiles?: readonly string[];
  stdin?: () => Promise<string>;
  loadBalancerClass?: string;
  /** Never contact the cloud: plan as if nothing exists. */
  offline?: boolean;
  /** Services observed at once (Terraform's `-parallelism`); default 10. */
  parallelism?: number;
  loadProvider: ProviderLoader;
  notice: (line: string) => void;
}

/**
 * `lbctl plan` against a cluster: Services and Nodes as the API server has them, and the
 * cloud's current state, through the same prepareService/planPrepared the controller's
 * planService runs, so the plan is what the controller would do. With proposed files, each
 * proposed Service is laid over the live one with the API server's update rules (allocated
 * clusterIPs and nodePorts carried over, conflicts refused with its messages), so a change
 * is previewed before `kubectl apply` sends it.
 */
export async function planFromCluster(request: ClusterPlanRequest): Promise<FilesPlan> {
  const module = await request.loadProvider(request.provider);
  const settings = settingsFrom(request);
  const model = module.model(settings);
  const core = request.kc.makeApiClient(CoreV1Api);
  const read = <T>(what: string, call: Promise<T>): Promise<T> =>
    call.catch((e: unknown) => Promise.reject(clusterReadError(e, request.kc, what)));
  const live = await read(
    'listing Services',
    listServices(core, request.namespace, request.selector),
  );
  const nodes = plain<Node[]>((await read('listing Nodes', core.listNode())).items);

  let services: Service[];
  if (request.proposedFiles !== undefined && request.proposedFiles.length > 0) {
    services = await proposed(
      request,
      await read('listing Services', listServices(core, undefined, undefined)),
    );
  } else {
    services = live.filter(
      (s) =>
        request.names === undefined ||
        request.names.length === 0 ||
        request.names.includes(s.metadata.name),
    );
    if (services.length === 0 && (request.names ?? []).length === 0) {
      request.notice(`Warning: ${noMatch(request)}: nothing to plan`);
    }
    for (const name of request.names ?? []) {
      if (!services.some((s) => s.metadata.name === name)) {
        throw new LbctlError(
          'invalid',
          `Service "${name}" not found${request.namespace ? ` in namespace ${request.namespace}` : ''}`,
        );
      }
    }
  }

  const classOption =
    request.loadBalancerClass === undefined ? {} : { loadBalancerClass: request.loadBalancerClass };
  const mode =
    request.proposedFiles === undefined || request.proposedFiles.length === 0
      ? 'verify'
      : 'allocated';
  // Everything is validated before the cloud is contacted.
  const prepared = services
    .map((service) => ({
      service,
      prepared: prepareService({
        service,
        nodes,
        model,
        clusterName: request.clusterName,
        mode,
        ...classOption,
      }),
    }))
    // A Service that wants no load balancer and holds no finalizer has nothing of ours to show.
    .filter(
      ({ service, prepared }) =>
        prepared.intent !== undefined || (service.metadata.finalizers ?? []).includes(FINALIZER),
    );

  if (request.offline !== true && !module.isConfigured(settings)) {
    throw new LbctlError('invalid', notConfiguredMessage(request.provider));
  }
  const calls = createCallLog();
  retryNotices(calls.onRecord, request.notice);
  const provider = request.offline === true ? undefined : await module.connect(settings, { calls });
  const ctx = { clusterName: request.clusterName };
  if (prepared.length === 0 && services.length > 0 && (request.names ?? []).length === 0) {
    const others = services.map((s) => keyOf(identityOf(s)));
    request.notice(
      `Warning: no Service of type LoadBalancer found ${where(request)} (${others.length === 1 ? 'one Service of another type' : `${others.length} Services of other types`}: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', ...' : ''}): nothing to plan`,
    );
  }
  const settled =
    provider === undefined
      ? prepared.map((): Resource[] => [])
      : await observeAll(
          provider,
          prepared.map(({ prepared: p }) => p),
          {
            ctx,
            parallelism: request.parallelism ?? DEFAULT_PARALLELISM,
            providerName: request.provider,
          },
        );
  const out: ServicePlan[] = prepared.map(({ prepared: p }, i) => {
    const observed = settled[i] ?? [];
    return { ...p, observed, plan: planPrepared(p, model, observed) };
  });
  const observed = provider === undefined ? 'none' : 'cloud';
  return { module, settings, model, provider, calls, services: out, observed };
}

async function proposed(request: ClusterPlanRequest, all: Service[]): Promise<Service[]> {
  const manifests = await readInputs(request.proposedFiles ?? [], request.stdin);
  for (const n of manifests.notices) request.notice(n);
  const allocator = new LayerAllocator(DEFAULT_LAYERS);
  const byKey = new Map(all.map((s) => [keyOf(identityOf(s)), s]));
  // Reserve what the cluster holds, as the API server's allocators do.
  for (const s of all) {
    try {
      allocator.allocate(s);
    } catch {
      // Outside the default ranges (the cluster's own CIDR): nothing to reserve in ours.
    }
  }
  return manifests.services.map(({ object, source }) => {
    const id = identityOf(object);
    const current = byKey.get(keyOf(id));
    const next = structuredClone(object);
    next.metadata.namespace = id.namespace;
    if (current !== undefined) {
      next.metadata.uid = current.metadata.uid ?? '';
      next.metadata.finalizers = [...(current.metadata.finalizers ?? [])];
    } else {
      next.metadata.uid =
        next.metadata.uid ?? `00000000-0000-0000-0000-${String(byKey.size).padStart(12, '0')}`;
      request.notice(
        `Service ${keyOf(id)} is new: its clusterIP and nodePorts here are a preview; the API server picks the final ones`,
      );
    }
    try {
      return allocator.allocate(next, current);
    } catch (e) {
      if (!isLbctlError(e)) throw e;
      // The files mode's form: `FILE, document N (Service ns/name): field: ...`.
      const where = `${source.file}, document ${source.document}`;
      const message =
        e instanceof InvalidInputError
          ? `${where} (${e.object}): ${e.problems.map(formatFieldProblem).join('; ')}`
          : `${where}: ${e.message}`;
      throw new LbctlError(e.kind, message, { cause: e });
    }
  });
}

async function listServices(
  core: CoreV1Api,
  namespace: string | undefined,
  selector: string | undefined,
): Promise<Service[]> {
  const list =
    namespace === undefined
      ? await core.listServiceForAllNamespaces(
          selector === undefined ? {} : { labelSelector: selector },
        )
      : await core.listNamespacedService({
          namespace,
          ...(selector === undefined ? {} : { labelSelector: selector }),
        });
  return plain<Service[]>(list.items).sort((a, b) =>
    keyOf(identityOf(a)) < keyOf(identityOf(b)) ? -1 : 1,
  );
}

/** Which filter found nothing, in kubectl's words (`No resources found in web namespace.`). */
function noMatch(request: ClusterPlanRequest): string {
  return `no Service found ${where(request)}`;
}

/** `in namespace web matching selector "app=x"`: the filters of the plan, in words. */
function where(request: ClusterPlanRequest): string {
  const ns =
    request.namespace === undefined ? 'in any namespace' : `in namespace ${request.namespace}`;
  const which = request.selector === undefined ? '' : ` matching selector "${request.selector}"`;
  return `${ns}${which}`;
}

const plain = <T>(o: unknown): T => JSON.parse(JSON.stringify(o)) as T;
