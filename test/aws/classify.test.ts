import { describe, expect, it } from 'vitest';
import { LbctlError } from '../../src/core/errors.js';
import { awsCode, classifyAwsError } from '../../providers/aws/classify.js';

/** An error shaped like the SDK's ServiceException. */
const sdk = (name: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} message`), {
    name,
    $metadata: { httpStatusCode: status },
    $fault: status >= 500 ? 'server' : 'client',
    ...extra,
  });

describe('classifyAwsError', () => {
  it.each([
    ['Throttling', 400, 'throttled'],
    ['ThrottlingException', 400, 'throttled'],
    ['RequestLimitExceeded', 503, 'throttled'],
    ['TooManyRequestsException', 429, 'throttled'],
    ['SomethingElse', 429, 'throttled'],
    ['ServiceUnavailable', 503, 'transient'],
    ['InternalFailure', 500, 'transient'],
    ['Unknown', 502, 'transient'],
    ['LoadBalancerNotFoundException', 400, 'not-found'],
    ['TargetGroupNotFoundException', 400, 'not-found'],
    ['ListenerNotFoundException', 400, 'not-found'],
    ['InvalidGroup.NotFound', 400, 'not-found'],
    ['InvalidSecurityGroupRuleId.NotFound', 400, 'not-found'],
    ['DependencyViolation', 400, 'provisioning'],
    ['ResourceInUseException', 400, 'provisioning'],
    ['ValidationError', 400, 'terminal'],
    ['TooManyLoadBalancersException', 400, 'terminal'],
    ['AccessDenied', 403, 'terminal'],
    ['UnauthorizedOperation', 403, 'terminal'],
    ['DuplicateTargetGroupNameException', 400, 'terminal'],
  ])('%s (HTTP %i) is %s', (name, status, kind) => {
    const e = classifyAwsError(sdk(name, status));
    expect(e.kind).toBe(kind);
    expect(e.message).toContain('message');
  });

  it.each([
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })],
    [Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' })],
  ])('network failure %s is transient', (error) => {
    expect(classifyAwsError(error).kind).toBe('transient');
  });

  it('a Retry-After header on a throttle becomes retryAfterMs', () => {
    const e = classifyAwsError(
      sdk('Throttling', 400, { $response: { headers: { 'retry-after': '2' } } }),
    );
    expect(e.retryAfterMs).toBe(2000);
  });

  it('keeps the SDK error as cause so execute can still read the AWS code', () => {
    const raw = sdk('DuplicateListenerException', 400);
    const e = classifyAwsError(raw);
    expect(e.cause).toBe(raw);
    expect(awsCode(e)).toBe('DuplicateListener');
    expect(awsCode(new Error('plain'))).toBeUndefined();
  });

  it('passes LbctlErrors through unchanged', () => {
    const e = new LbctlError('not-owned', 'x');
    expect(classifyAwsError(e)).toBe(e);
  });
});
