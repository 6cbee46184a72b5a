import { describe, expect, it } from 'vitest';
import { LbctlError } from '../../src/core/errors.js';
import { classifyGcpError, OperationFailedError } from '../../providers/gcp/classify.js';

// The shape @google-cloud/compute throws over REST (a GaxiosError: numeric `code`, Google's
// error JSON as `message`), as recorded against the fake in fake.test.ts.
const google = (code: number, reason: string) => ({
  code,
  message: JSON.stringify({
    error: {
      code,
      message: `${reason} happened`,
      errors: [{ reason, domain: 'global', message: 'x' }],
    },
  }),
});

describe('classifyGcpError', () => {
  it.each([
    [google(429, 'rateLimitExceeded'), 'throttled'],
    [google(403, 'rateLimitExceeded'), 'throttled'],
    [google(403, 'userRateLimitExceeded'), 'throttled'],
    [google(403, 'forbidden'), 'terminal'],
    [google(503, 'backendError'), 'transient'],
    [google(500, 'internalError'), 'transient'],
    [google(404, 'notFound'), 'not-found'],
    [google(409, 'alreadyExists'), 'conflict'],
    [google(412, 'conditionNotMet'), 'conflict'],
    [google(400, 'resourceInUseByAnotherResource'), 'provisioning'],
    [google(400, 'resourceNotReady'), 'provisioning'],
    [google(400, 'invalid'), 'terminal'],
    [new OperationFailedError('op-1', 503, ['INTERNAL_ERROR'], 'boom'), 'transient'],
    [new OperationFailedError('op-1', 400, ['QUOTA_EXCEEDED'], 'no quota'), 'terminal'],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      'transient',
    ],
  ] as const)('%j → %s', (error, kind) => {
    expect(classifyGcpError(error, 'addresses.get').kind).toBe(kind);
  });

  it('names the operation, the status, the reason and Google’s message', () => {
    const e = classifyGcpError(google(404, 'notFound'), 'forwardingRules.get a1');
    expect(e.message).toBe('forwardingRules.get a1: HTTP 404 notFound: notFound happened');
    expect(e.cause).toBeDefined();
  });

  it('passes an LbctlError through', () => {
    const e = new LbctlError('not-owned', 'x');
    expect(classifyGcpError(e)).toBe(e);
  });
});
