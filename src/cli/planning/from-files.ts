import { createCallLog } from '../../core/calls.js';
import { InvalidInputError, LbctlError } from '../../core/errors.js';
import { keyOf, type Service } from '../../core/k8s.js';
import type {
  CallLog,
  Provider,
  ProviderModel,
  ProviderModule,
  ProviderName,
  ProviderSettings,
} from '../../core/provider.js';
import type { Resource } from '../../core/resource.js';
import { InvalidManifestsError, withSource } from '../../k8s/files.js';
import type { Refused } from '../../k8s/files.js';
import { DEFAULT_LAYERS, allocateEach } from '../../layers/index.js';
import {
  planPrepared,
  prepareService,
  type PreparedService,
  type ServicePlan,
} from '../../pipeline/index.js';
import { settingsFrom, type ProviderLoader } from '../providers.js';
import { observedOf, readObservedFile } from './observed-file.js';
import { readInputs } from './inputs.js';
import { notConfiguredMessage } from './not-configured.js';
import { observeAll } from './observe-all.js';
import {
  pinObservedNodePorts,
  sharedNodePortWarnings,
  withSharedNodePorts,
  type SharedNodePort,
} from './stable-nodeports.js';
import { retryNotices } from './retry-notices.js';

/** Terraform's default `-parallelism`. */
export const DEFAULT_PARALLELISM = 10;

export interface FilesPlanRequest {
  /** Paths, and `-` for standard input (read with `stdin`). */
  files: readonly string[];
  stdin?: () => Promise<string>;
  provider: ProviderName;
  clusterName: string;
  set: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** `--observed FILE`: what exists, from a snapshot instead of the cloud. */
  observedFile?: string;
  /**
   * `always` for apply and destroy; `if-configured` for plan (observe the cloud; an error saying
   * how to configure it, or to pass --offline, when nothing is configured); `never` for --offline.
   */
  connect: 'always' | 'if-configured' | 'never';
  /** Services observed at once (Terraform's `-parallelism`); default 10. */
  parallelism?: number;
  /** Plan the deletion of everything the Services own (`lbctl destroy`). */
  destroy?: boolean;
  /** `--skip-invalid`: plan the valid Services, report the refused ones as notices. */
  skipInvalid?: boolean;
  loadProvider: ProviderLoader;
  /** Notices (skipped kinds, snapshot entries without a Service) go here, never to stdout. */
  notice: (line: string) => void;
}

export interface FilesPlan {
  module: ProviderModule;
  settings: ProviderSettings;
  model: ProviderModel;
  /** Set when the cloud was (or will be) contacted. */
  provider: Provider | undefined;
  calls: CallLog;
  services: ServicePlan[];
  /** What the plans were made against: the cloud, a `--observed` snapshot, or nothing (`--offline`). */
  observed: ObservedSource;
}

/** Written into plan JSON as `observed`. */
export type ObservedSource = 'none' | 'cloud' | 'snapshot';

/**
 * Manifests → allocated layers → intent → desired for every Service first (so bad input fails
 * before anything is observed or printed), then observe and plan each Service.
 */
export async function planFromFiles(request: FilesPlanRequest): Promise<FilesPlan> {
  const module = await request.loadProvider(request.provider);
  const settings = settingsFrom(request);
  const model = module.model(settings);
  const manifests = await readInputs(request.files, request.stdin, { keepInvalid: true });
  for (const n of manifests.notices) request.notice(n);

  // Every refusal at once (Terraform lists every error), before anything is observed.
  const refused: Refused[] = [...manifests.invalid];
  const refuse = (e: unknown): void => {
    const sourced = withSource(e, manifests);
    if (!(e instanceof InvalidInputError) || !(sourced instanceof InvalidInputError)) throw sourced;
    refused.push({
      source: { file: '', document: 0 },
      object: e.object,
      lines: sourced.problems.map((p) => new InvalidInputError(sourced.object, [p]).message),
    });
  };
  const nodes = manifests.nodes.map((n) => n.object);
  /** The Services that pass, each with the manifest it came from (for the NodePort pinning). */
  const prepareAll = (
    services: readonly Service[],
    onRefused: (e: unknown) => void,
    shared: readonly SharedNodePort[] = [],
  ): { written: Service; prepared: PreparedService }[] => {
    const allocated = allocateEach(services, DEFAULT_LAYERS);
    return services.flatMap((written, i) => {
      const service = allocated[i];
      if (service === undefined || service instanceof InvalidInputError) {
        onRefused(service);
        return [];
      }
      try {
        const prepared = prepareService({
          service: withSharedNodePorts(service, i, shared),
          nodes,
          model,
          clusterName: request.clusterName,
          mode: 'allocated',
          ...(request.destroy === true ? { destroy: true } : {}),
        });
        return [{ written, prepared }];
      } catch (e) {
        onRefused(e);
        return [];
      }
    });
  };
  const valid = prepareAll(
    manifests.services.map((s) => s.object),
    refuse,
  );
  if (refused.length > 0) {
    if (request.skipInvalid !== true) throw new InvalidManifestsError(refused);
    for (const line of refused.flatMap((r) => r.lines)) request.notice(`skipped: ${line}`);
  }
  const written = valid.map((v) => v.written);
  let prepared = valid.map((v) => v.prepared);

  const calls = createCallLog();
  retryNotices(calls.onRecord, request.notice);
  const snapshot =
    request.observedFile === undefined ? undefined : await readObservedFile(request.observedFile);
  if (snapshot !== undefined) {
    const known = new Set(prepared.map((p) => keyOf(p.service)));
    for (const key of snapshot.byService.keys()) {
      if (!known.has(key))
        request.notice(
          `${request.observedFile}: Service ${key} is not in the manifests; its resources are left alone`,
        );
    }
  }
  const source = observedSource(request, snapshot !== undefined, module.isConfigured(settings));
  const provider = source === 'cloud' ? await module.connect(settings, { calls }) : undefined;
  const ctx = { clusterName: request.clusterName };

  // A snapshot holds what was seen; otherwise the cloud, or nothing (--offline).
  const observed =
    snapshot !== undefined
      ? prepared.map((p) => observedOf(snapshot, p.service))
      : provider === undefined
        ? prepared.map((): Resource[] => [])
        : await observeAll(provider, prepared, {
            ctx,
            parallelism: request.parallelism ?? DEFAULT_PARALLELISM,
            providerName: request.provider,
          });
  // NodePorts the manifests leave out are the live load balancer's, not a fresh pick.
  if (model.observedNodePorts !== undefined) {
    const live = observed.map((o) => model.observedNodePorts?.(o) ?? []);
    const probes = observed.map((o) => model.observedHealthCheckNodePort?.(o));
    const pinned = pinObservedNodePorts(written, live, probes);
    for (const w of sharedNodePortWarnings(written, pinned.shared)) request.notice(w);
    if (pinned.shared.length > 0 || pinned.services.some((s, i) => s !== written[i])) {
      prepared = prepareAll(
        pinned.services,
        (e) => {
          throw withSource(e, manifests);
        },
        pinned.shared,
      ).map((v) => v.prepared);
    }
  }
  const services = prepared.map((p, i) => {
    const o = observed[i] ?? [];
    return { ...p, observed: o, plan: planPrepared(p, model, o) };
  });
  return { module, settings, model, provider, calls, services, observed: source };
}

/**
 * Where the plan's picture of what exists comes from. A plan that may read the cloud but has
 * nothing to read it with stops and says how to give it, rather than planning as if nothing
 * existed: "everything will be created" would be a guess presented as a fact.
 */
function observedSource(
  request: FilesPlanRequest,
  hasSnapshot: boolean,
  configured: boolean,
): ObservedSource {
  if (hasSnapshot) return 'snapshot';
  if (request.connect === 'never') return 'none';
  if (request.connect === 'always' || configured) return 'cloud';
  throw new LbctlError('invalid', notConfiguredMessage(request.provider));
}
