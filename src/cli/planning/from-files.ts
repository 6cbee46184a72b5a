import { createCallLog } from '../../core/calls.js';
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
import { InvalidInputError } from '../../core/errors.js';
import { InvalidManifestsError, readManifests, withSource } from '../../k8s/files.js';
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
import { mapLimit } from './parallel.js';

/** Terraform's default `-parallelism`. */
export const DEFAULT_PARALLELISM = 10;

export interface FilesPlanRequest {
  files: readonly string[];
  provider: ProviderName;
  clusterName: string;
  set: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** `--observed FILE`: what exists, from a snapshot instead of the cloud. */
  observedFile?: string;
  /** `always` for apply and destroy; `if-configured` for plan (observe when a cloud is configured). */
  connect: 'always' | 'if-configured' | 'never';
  /** Services observed at once (Terraform's `-parallelism`); default 10. */
  parallelism?: number;
  /** Plan the deletion of everything the Services own (`lbctl destroy`). */
  destroy?: boolean;
  loadProvider: ProviderLoader;
  /** `--skip-invalid`: plan the valid Services, report the refused ones as notices. */
  skipInvalid?: boolean;
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
}

/**
 * Manifests → allocated layers → intent → desired for every Service first (so bad input fails
 * before anything is observed or printed), then observe and plan each Service.
 */
export async function planFromFiles(request: FilesPlanRequest): Promise<FilesPlan> {
  const module = await request.loadProvider(request.provider);
  const settings = settingsFrom(request);
  const model = module.model(settings);
  const manifests = await readManifests(request.files, { keepInvalid: true });
  for (const n of manifests.notices) request.notice(n);

  // Every refusal at once (Terraform lists every error), before anything is observed.
  const refused: Refused[] = [...manifests.invalid];
  const refuse = (e: unknown): undefined => {
    const sourced = withSource(e, manifests);
    if (!(e instanceof InvalidInputError) || !(sourced instanceof InvalidInputError)) throw sourced;
    refused.push({
      source: { file: '', document: 0 },
      object: e.object,
      lines: sourced.problems.map((p) => new InvalidInputError(sourced.object, [p]).message),
    });
    return undefined;
  };
  const allocated = allocateEach(
    manifests.services.map((s) => s.object),
    DEFAULT_LAYERS,
  ).flatMap((s): Service[] => (s instanceof InvalidInputError ? (refuse(s), []) : [s]));
  const nodes = manifests.nodes.map((n) => n.object);
  const prepared = allocated.flatMap((service): PreparedService[] => {
    try {
      return [
        prepareService({
          service,
          nodes,
          model,
          clusterName: request.clusterName,
          mode: 'allocated',
          ...(request.destroy === true ? { destroy: true } : {}),
        }),
      ];
    } catch (e) {
      refuse(e);
      return [];
    }
  });
  if (refused.length > 0) {
    if (request.skipInvalid !== true) throw new InvalidManifestsError(refused);
    for (const line of refused.flatMap((r) => r.lines)) request.notice(`skipped: ${line}`);
  }

  const calls = createCallLog();
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
  const wantsCloud =
    snapshot === undefined &&
    (request.connect === 'always' ||
      (request.connect === 'if-configured' && module.isConfigured(settings)));
  const provider = wantsCloud ? module.connect(settings, { calls }) : undefined;
  const ctx = { clusterName: request.clusterName };

  // Observing is read-only and rate-limited by the provider's caller: Services go in parallel.
  const services = await mapLimit(
    prepared,
    request.parallelism ?? DEFAULT_PARALLELISM,
    async (p) => {
      let observed: Resource[] = [];
      if (snapshot !== undefined) observed = observedOf(snapshot, p.service);
      else if (provider !== undefined)
        observed = await provider.observe({ service: p.service, desired: p.desired }, ctx);
      return { ...p, observed, plan: planPrepared(p, model, observed) };
    },
  );
  return { module, settings, model, provider, calls, services };
}
