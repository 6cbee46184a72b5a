import type { CallLog, Provider } from '../../src/core/provider.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { createCloudCaller, type RetryOptions } from '../shared/index.js';
import { Gcp } from './api.js';
import { classifyGcpError } from './classify.js';
import { createClients } from './clients.js';
import type { ComputeClients } from './clients.js';
import { execute } from './execute.js';
import { createModel } from './model.js';
import { observe } from './observe.js';
import { sweep } from './sweep.js';
import type { GcpSettings } from './settings.js';

/** What tests and benchmarks may inject; production uses the defaults. */
export interface GcpProviderOptions {
  calls: CallLog;
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  clients?: ComputeClients;
}

/**
 * Retries of one call. Google asks to wait for the per-minute quota to refill on
 * rateLimitExceeded, so the cap is long; 503s usually clear within seconds.
 */
export const GCP_RETRY: RetryOptions = {
  retries: 6,
  minTimeoutMs: 500,
  maxTimeoutMs: 30_000,
  factor: 2,
};

/** Calls that may go out at once after a quiet period, per class. */
const BURST = 20;

export function createGcpProvider(
  settings: GcpSettings,
  clusterName: string,
  options: GcpProviderOptions,
): Provider & { close(): Promise<void> } {
  if (settings.project === undefined) {
    throw new InvalidInputError('provider gcp', [
      {
        type: 'Required',
        field: 'settings.project',
        detail: 'set --set project=ID, LBCTL_GCP_PROJECT or GOOGLE_CLOUD_PROJECT',
      },
    ]);
  }
  const clients = options.clients ?? createClients(settings);
  const classes = {
    read: { rate: settings.readPerMinute / 60, burst: BURST },
    write: { rate: settings.writePerMinute / 60, burst: BURST },
  };
  const call = createCloudCaller({
    provider: 'gcp',
    calls: options.calls,
    classify: (e) => classifyGcpError(e),
    limiter: { classes },
    retry: options.retry ?? GCP_RETRY,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const gcp = new Gcp(clients, call, settings.project, settings.region, options.now ?? Date.now);
  return {
    ...createModel(settings),
    calls: options.calls,
    // The controller's verification budget is a share of these (calls per second).
    clientRates: { read: classes.read.rate, write: classes.write.rate },
    observe: (request) => observe(gcp, clusterName, request),
    execute: (request) => execute(gcp, clusterName, request),
    sweep: (ctx) => sweep(gcp, ctx.clusterName),
    close: () => clients.close(),
  };
}
