import type { CallLog, Provider } from '../../src/core/provider.js';
import { createCloudCaller, type RetryOptions } from '../shared/index.js';
import { AzureApi } from './api.js';
import { ArmCache } from './cache.js';
import { classifyAzureError } from './classify.js';
import { type ClientOptions, createNetworkClient } from './clients.js';
import { desiredResources } from './desired.js';
import { executeAzure } from './execute.js';
import { azureIngress } from './ingress.js';
import { armIds } from './mapping.js';
import { observeAzureAdopting } from './adopt.js';
import { fitAdoption } from './in-tree.js';
import { AZURE_SCHEMAS } from './schemas.js';
import { sweepAzure } from './sweep.js';
import type { AzureSettings } from './settings.js';

/** What tests and benchmarks may inject; production uses the defaults. */
export interface AzureProviderOptions extends ClientOptions {
  calls: CallLog;
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Poll interval of long-running operations when ARM gives no Retry-After (SDK default 2 s). */
  lroIntervalMs?: number;
  /**
   * How long observe may reuse the shared load balancers and security group as last read or
   * written (ETag cache), instead of reading them for every Service; 0 (default): always read.
   */
  sharedReadMaxAgeMs?: number;
}

/** Retries of one call: ARM asks for patience on 429 (Retry-After) and 409 (operation in progress). */
export const AZURE_RETRY: RetryOptions = {
  retries: 6,
  minTimeoutMs: 500,
  maxTimeoutMs: 30_000,
  factor: 2,
};

/** Creates the SDK clients; no call is made until observe or execute. */
export function connectAzure(settings: AzureSettings, options: { calls: CallLog }): Provider {
  return createAzureProvider(settings, options);
}

export function createAzureProvider(
  settings: AzureSettings,
  options: AzureProviderOptions,
): Provider {
  const client = createNetworkClient(settings, {
    ...(options.credential === undefined ? {} : { credential: options.credential }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  const { rates } = settings;
  const classes = {
    read: { rate: rates.readPerSecond, burst: rates.readBurst },
    write: { rate: rates.writePerSecond, burst: rates.writeBurst },
    delete: { rate: rates.writePerSecond, burst: rates.writeBurst },
  };
  const call = createCloudCaller({
    provider: 'azure',
    calls: options.calls,
    classify: classifyAzureError,
    limiter: { classes },
    retry: options.retry ?? AZURE_RETRY,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const api = new AzureApi(client, call, {
    resourceGroup: settings.resourceGroup,
    ...(options.lroIntervalMs === undefined ? {} : { lroIntervalMs: options.lroIntervalMs }),
  });
  const cache = new ArmCache(options.sharedReadMaxAgeMs ?? 0, options.now ?? Date.now);
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  // Full jitter, capped at 2 s: writers that lost a race on the shared load balancer spread out.
  const pause = (attempt: number) => sleep(random() * Math.min(2000, 50 * 2 ** attempt));
  const ctx = { api, cache, ids: armIds(settings), settings, pause };
  return {
    name: 'azure',
    schemas: AZURE_SCHEMAS,
    desired: (intent) => desiredResources(intent, settings),
    ingress: azureIngress,
    // With `adopt` (issue 12 #2), the in-tree provider's resources come back `foreign` (./adopt.ts).
    observe: (request, pctx) =>
      observeAzureAdopting(api.withSignal(pctx.signal), settings, request, cache),
    fitDesired: fitAdoption,
    execute: (request, pctx) => executeAzure({ ...ctx, api: api.withSignal(pctx.signal) }, request),
    sweep: (pctx) => sweepAzure(api.withSignal(pctx.signal), settings),
    calls: options.calls,
    // The controller's verification budget is a share of these (calls per second).
    clientRates: Object.fromEntries(Object.entries(classes).map(([k, l]) => [k, l.rate])),
  };
}
