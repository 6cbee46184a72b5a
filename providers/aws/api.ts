import { isLbctlError } from '../../src/core/errors.js';
import type { CloudCall } from '../shared/index.js';
import type { AwsClients } from './clients.js';

/** Any SDK v3 command, typed enough to infer its output. */
export interface SdkCommand {
  readonly input: object;
  resolveMiddleware(...args: never[]): unknown;
}
export type OutputOf<C> = C extends {
  resolveMiddleware(...args: never[]): (...a: never[]) => Promise<{ output: infer O }>;
}
  ? O
  : never;

/**
 * Every AWS call the provider makes goes through here: the operation name is the command's
 * (`DescribeLoadBalancersCommand` → `DescribeLoadBalancers`), so the CallLog, the rate-limit
 * class and the IAM policy test all see the same names.
 */
export interface AwsApi {
  elb<C extends SdkCommand>(command: C): Promise<OutputOf<C>>;
  ec2<C extends SdkCommand>(command: C): Promise<OutputOf<C>>;
  /**
   * A create that AWS may not treat as idempotent (moto creates a second load balancer or
   * listener of the same name): sent without automatic retries; after a failure that may have
   * gone through (reset, timeout, 5xx, throttle), `lookup` reads whether it exists, and only
   * when it does not is the create sent again, at most `attempts` times in all.
   */
  elbCreate<C extends SdkCommand, R>(
    command: C,
    options: {
      lookup: () => Promise<R | undefined>;
      created: (out: OutputOf<C>) => R;
      attempts?: number;
    },
  ): Promise<R>;
}

/** API classes with their own client-side rate, after the buckets AWS throttles separately. */
export type AwsApiClass = 'describe' | 'mutate' | 'register' | 'ec2-describe' | 'ec2-mutate';

export const operationOf = (command: object): string =>
  command.constructor.name.replace(/Command$/, '');

export function apiClassOf(service: 'elb' | 'ec2', operation: string): AwsApiClass {
  const read = /^Describe/.test(operation);
  if (service === 'ec2') return read ? 'ec2-describe' : 'ec2-mutate';
  if (read) return 'describe';
  return /^(Register|Deregister)Targets$/.test(operation) ? 'register' : 'mutate';
}

export function createAwsApi(
  clients: AwsClients,
  callers: { call: CloudCall; once: CloudCall },
  signal?: AbortSignal,
): AwsApi {
  const run = async <C extends SdkCommand>(
    service: 'elb' | 'ec2',
    command: C,
    call: CloudCall = callers.call,
  ): Promise<OutputOf<C>> => {
    const operation = operationOf(command);
    return call(
      {
        operation,
        write: !/^Describe/.test(operation),
        apiClass: apiClassOf(service, operation),
        ...(signal === undefined ? {} : { signal }),
      },
      async () => {
        const options = signal === undefined ? {} : { abortSignal: signal };
        const out =
          service === 'elb'
            ? await clients.elb.send(command as never, options)
            : await clients.ec2.send(command as never, options);
        return out as OutputOf<C>;
      },
    );
  };
  return {
    elb: (c) => run('elb', c),
    ec2: (c) => run('ec2', c),
    async elbCreate(command, { lookup, created, attempts = 4 }) {
      for (let attempt = 1; ; attempt++) {
        try {
          return created(await run('elb', command, callers.once));
        } catch (e) {
          if (!(isLbctlError(e) && e.retryable) || attempt >= attempts) throw e;
          const existing = await lookup();
          if (existing !== undefined) return existing;
        }
      }
    },
  };
}
