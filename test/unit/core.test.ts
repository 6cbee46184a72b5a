import { describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import { formatFieldProblem, InvalidInputError, NotOwnedError } from '../../src/core/errors.js';
import { parseKey } from '../../src/core/k8s.js';
import { isOwnedBy, ownershipTags } from '../../src/core/tags.js';

describe('field problems read like the API server', () => {
  it.each([
    [
      {
        type: 'Invalid',
        field: 'spec.ports[0].nodePort',
        value: 29999,
        detail: 'provided port is not in the valid range. The range of valid ports is 30000-32767',
      },
      'spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ],
    [
      {
        type: 'Unsupported',
        field: 'spec.ports[0].protocol',
        value: 'HTTP',
        detail: 'supported values: "SCTP", "TCP", "UDP"',
      },
      'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ],
    [
      { type: 'Duplicate', field: 'spec.ports[1].nodePort', value: 30008, detail: '' },
      'spec.ports[1].nodePort: Duplicate value: 30008',
    ],
    [{ type: 'Required', field: 'metadata.name', detail: '' }, 'metadata.name: Required value'],
  ] as const)('%j', (problem, text) => {
    expect(formatFieldProblem(problem)).toBe(text);
  });

  it('InvalidInputError names the object first', () => {
    const e = new InvalidInputError('Service default/web', [
      {
        type: 'Invalid',
        field: 'spec.loadBalancerSourceRanges[0]',
        value: '10.0.0.0/33',
        detail: 'must be a CIDR',
      },
    ]);
    expect(e.message).toBe(
      'Service default/web: spec.loadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a CIDR',
    );
    expect(e.kind).toBe('invalid');
    expect(e.retryable).toBe(false);
  });

  it('NotOwnedError is terminal and names the resource', () => {
    const e = new NotOwnedError('aws_lb.this (a1b2)', 'no tag kubernetes.io/cluster/demo');
    expect(e.message).toMatch(/^aws_lb\.this \(a1b2\) exists but is not owned/);
    expect(e.retryable).toBe(false);
  });
});

describe('ownership tags', () => {
  const svc = { namespace: 'default', name: 'web', uid: 'u-1' };
  it('owned by the cluster that wrote them, and no other', () => {
    const tags = ownershipTags('demo', svc, 'aws_lb.this');
    expect(isOwnedBy(tags, 'demo')).toBe(true);
    expect(isOwnedBy(tags, 'other')).toBe(false);
    expect(tags['kubernetes.io/service-name']).toBe('default/web');
  });
});

describe('keys', () => {
  it('round-trips namespace/name and rejects other shapes', () => {
    expect(parseKey('default/web')).toEqual({ namespace: 'default', name: 'web' });
    expect(() => parseKey('web')).toThrow(/namespace\/name/);
  });
});

describe('call log', () => {
  it('counts by operation, write and outcome, and keeps a bounded tail', () => {
    const log = createCallLog({ keep: 2 });
    const call = { provider: 'aws', durationMs: 1 } as const;
    log.record({ ...call, operation: 'DescribeLoadBalancers', write: false, outcome: 'ok' });
    log.record({ ...call, operation: 'CreateLoadBalancer', write: true, outcome: 'throttled' });
    log.record({ ...call, operation: 'CreateLoadBalancer', write: true, outcome: 'ok' });
    expect(log.count()).toBe(3);
    expect(log.count({ write: true })).toBe(2);
    expect(log.count({ operation: 'CreateLoadBalancer', outcome: 'ok' })).toBe(1);
    expect(log.calls).toHaveLength(2);
    log.reset();
    expect(log.count()).toBe(0);
  });
});
