import { InvalidInputError, LbctlError, type FieldProblem } from '../../src/core/errors.js';
import { SETTINGS_OBJECT } from './settings.js';

/**
 * Turns whatever the AWS SDK threw into an LbctlError whose kind decides what happens next.
 * The SDK error stays as `cause`, so execute can still read its code (`awsCode`).
 */
const THROTTLED = new Set([
  'Throttling',
  'Throttled',
  'RequestLimitExceeded',
  'RequestThrottled',
  'TooManyRequests',
  'SlowDown',
]);

const NOT_FOUND = new Set([
  'LoadBalancerNotFound',
  'TargetGroupNotFound',
  'ListenerNotFound',
  'RuleNotFound',
  'InvalidGroup.NotFound',
  'InvalidGroupId.NotFound',
  'InvalidSecurityGroupRuleId.NotFound',
  'InvalidPermission.NotFound',
  'InvalidSubnetID.NotFound',
  'InvalidVpcID.NotFound',
]);

/** The cloud is still settling: an NLB being deleted still holds its security group for a while. */
const PROVISIONING = new Set(['DependencyViolation', 'ResourceInUse', 'IncorrectState']);

const TRANSIENT = new Set([
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'Unavailable',
  'RequestTimeout',
]);

const NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { headers?: Record<string, string | undefined> };
}

/** The AWS error code of an SDK error, or of the SDK error behind an LbctlError. */
export function awsCode(error: unknown): string | undefined {
  const e = (error instanceof LbctlError ? error.cause : error) as SdkErrorShape | undefined;
  if (e === undefined || e === null || typeof e !== 'object') return undefined;
  if (e.$metadata === undefined) return undefined;
  return typeof e.name === 'string' ? normalize(e.name) : undefined;
}

/** The SDK names modelled ELBv2 errors `<Code>Exception`; AWS documents them as `<Code>`. */
const normalize = (name: string): string =>
  name.endsWith('Exception') ? name.slice(0, -'Exception'.length) : name;

export function classifyAwsError(error: unknown): LbctlError {
  if (error instanceof LbctlError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof e.name === 'string' ? normalize(e.name) : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const status =
    typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  // A plain `Error` has no code worth showing: "Error: Error: ..." helps nobody.
  const label = name !== '' && name !== 'Error' ? name : code;
  const text = label === '' ? message : `${label}: ${message}`;
  const options = { cause: error };

  const setting = missingSetting(name, message);
  if (setting !== undefined) return new InvalidInputError(SETTINGS_OBJECT, [setting], options);

  if (THROTTLED.has(name) || status === 429) {
    const retryAfterMs = retryAfter(e.$response?.headers?.['retry-after']);
    return new LbctlError('throttled', text, {
      ...options,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (NOT_FOUND.has(name)) return new LbctlError('not-found', text, options);
  if (PROVISIONING.has(name)) return new LbctlError('provisioning', text, options);
  if (TRANSIENT.has(name) || (status !== undefined && status >= 500) || e.$fault === 'server') {
    return new LbctlError('transient', text, options);
  }
  if (
    NETWORK.has(code) ||
    name === 'TimeoutError' ||
    /socket hang up|ECONNRESET|timed? ?out/i.test(message)
  ) {
    return new LbctlError('transient', text, options);
  }
  // Validation, quotas (TooMany*), permissions, duplicates and everything unknown: stop and report.
  return new LbctlError('terminal', text, options);
}

/**
 * The SDK's own configuration errors, thrown before any request is sent, as the setting that
 * is missing and how to give it (one line, like every settings error).
 */
function missingSetting(name: string, message: string): FieldProblem | undefined {
  if (name === 'Error' && message === 'Region is missing') {
    return {
      type: 'Required',
      field: 'region',
      detail:
        'set --set region=REGION, LBCTL_AWS_REGION, AWS_REGION or a region in the AWS profile (an AWS region such as "us-east-1")',
    };
  }
  if (name === 'CredentialsProviderError') {
    return {
      type: 'Required',
      field: 'credentials',
      detail: `the AWS SDK found none (${message.replace(/\.$/, '')}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with a web identity (IRSA) or an instance role`,
    };
  }
  return undefined;
}

function retryAfter(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
