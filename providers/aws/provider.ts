import type { CallLog, Provider, ProviderSettings } from '../../src/core/provider.js';
import { observeAdopting } from './adopt.js';
import {
  createCloudCaller,
  createRateLimiter,
  type ClassLimit,
  type RetryOptions,
} from '../shared/index.js';
import { createAwsApi, type AwsApiClass } from './api.js';
import { classifyAwsError } from './classify.js';
import { createClients, type AwsClients } from './clients.js';
import { executeStep } from './execute.js';
import { awsModel } from './model.js';
import { createNetwork } from './network.js';
import { parseSettings } from './settings.js';
import { sweepCluster } from './sweep.js';

/**
 * Default client-side rates per API class (calls per second, burst). ELBv2 documents a
 * 40-token bucket refilled at 10/s for Describe*; EC2 documents 100 + 20/s for non-mutating
 * and 200 + 5/s for mutating actions. The ELBv2 mutate and register buckets are smaller: lbctl
 * stays well below them. All configurable (`describe-rate`, `mutate-rate`, `register-rate`).
 */
export const DEFAULT_LIMITS: Readonly<Record<AwsApiClass, ClassLimit>> = {
  describe: { rate: 10, burst: 40 },
  mutate: { rate: 5, burst: 20 },
  register: { rate: 5, burst: 20 },
  'ec2-describe': { rate: 20, burst: 100 },
  'ec2-mutate': { rate: 5, burst: 200 },
};

export const DEFAULT_RETRY: RetryOptions = {
  retries: 8,
  minTimeoutMs: 200,
  maxTimeoutMs: 20_000,
  factor: 2,
};

/** Knobs for tests and benchmarks: injected time and randomness, retry policy, the clients. */
export interface ConnectOptions {
  calls: CallLog;
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  requestTimeoutMs?: number;
  /** Overrides the per-class limits (over DEFAULT_LIMITS and the settings' rates). */
  limits?: Partial<Record<AwsApiClass, ClassLimit>>;
}

export function connectAws(
  settings: ProviderSettings,
  options: ConnectOptions,
): Provider & { clients: AwsClients } {
  const parsed = parseSettings(settings);
  const clients = createClients(parsed, {
    env: settings.env,
    ...(options.requestTimeoutMs === undefined
      ? {}
      : { requestTimeoutMs: options.requestTimeoutMs }),
  });
  const classes: Record<string, ClassLimit> = { ...DEFAULT_LIMITS };
  for (const [cls, rate] of Object.entries(parsed.rates)) {
    classes[cls] = { rate, burst: Math.max(1, Math.ceil(rate * 2)) };
  }
  for (const [cls, limit] of Object.entries(options.limits ?? {})) classes[cls] = limit;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? (() => performance.now());
  // One limiter for both callers, so single-shot creates count against the same rates.
  const limiter = createRateLimiter({ classes, now, sleep });
  const caller = (retry: RetryOptions) =>
    createCloudCaller({
      provider: 'aws',
      calls: options.calls,
      classify: classifyAwsError,
      limiter,
      retry,
      sleep,
      now,
      ...(options.random === undefined ? {} : { random: options.random }),
    });
  const retry = options.retry ?? DEFAULT_RETRY;
  const callers = { call: caller(retry), once: caller({ ...retry, retries: 0 }) };
  const model = awsModel(settings);
  const api = createAwsApi(clients, callers);
  const network = createNetwork(api, parsed, settings.clusterName);
  return {
    ...model,
    calls: options.calls,
    clientRates: Object.fromEntries(Object.entries(classes).map(([k, l]) => [k, l.rate])),
    clients,
    sweep: (ctx) =>
      sweepCluster(
        ctx.signal === undefined ? api : createAwsApi(clients, callers, ctx.signal),
        ctx.clusterName,
      ),
    // With `adopt` (issue 12 #2), the in-tree provider's NLB comes back `foreign` (./adopt.ts).
    observe: (request, ctx) =>
      observeAdopting(
        ctx.signal === undefined ? api : createAwsApi(clients, callers, ctx.signal),
        ctx.clusterName,
        request,
      ),
    execute: (request, ctx) =>
      executeStep(
        {
          api: ctx.signal === undefined ? api : createAwsApi(clients, callers, ctx.signal),
          clusterName: ctx.clusterName,
          network,
          state: request.state,
        },
        request,
      ),
  };
}
