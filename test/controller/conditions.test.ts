import { describe, expect, it } from 'vitest';
import { conditionsPatch, provisioned } from '../../src/controller/conditions.js';
import type { Condition, Service } from '../../src/core/k8s.js';

const svc = (conditions?: Condition[], generation?: number): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'web',
    namespace: 'default',
    ...(generation === undefined ? {} : { generation }),
  },
  spec: { type: 'LoadBalancer' },
  ...(conditions === undefined ? {} : { status: { conditions } }),
});
const T0 = Date.parse('2026-01-01T00:00:00Z');
const other: Condition = {
  type: 'example.com/Ready',
  status: 'True',
  lastTransitionTime: '2025-01-01T00:00:00Z',
  reason: 'Fine',
  message: 'another controller',
};

describe('conditionsPatch', () => {
  it('adds lbctl condition next to other controllers’ ones, with times and generation', () => {
    const patch = conditionsPatch(svc([other], 3), [provisioned('WaitingForCloud', 'w')], T0);
    expect(patch).toEqual([
      other,
      {
        type: 'LoadBalancerProvisioned',
        status: 'False',
        observedGeneration: 3,
        lastTransitionTime: '2026-01-01T00:00:00Z',
        reason: 'WaitingForCloud',
        message: 'w',
      },
    ]);
  });

  it('writes nothing when it already says the same; keeps lastTransitionTime when only the reason changes', () => {
    const first = conditionsPatch(svc([], 1), [provisioned('CloudError', 'boom')], T0) ?? [];
    expect(conditionsPatch(svc(first, 1), [provisioned('CloudError', 'boom')], T0 + 5_000)).toBe(
      undefined,
    );
    const second = conditionsPatch(svc(first, 1), [provisioned('InvalidInput', 'bad')], T0 + 5_000);
    expect(second?.[0]?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    const third = conditionsPatch(svc(second, 1), [provisioned('Provisioned', 'ok')], T0 + 9_000);
    expect(third?.[0]).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-01-01T00:00:09Z',
    });
  });

  it('caps a long message', () => {
    const [c] = conditionsPatch(svc(), [provisioned('CloudError', 'x'.repeat(5000))], T0) ?? [];
    expect(c?.message).toHaveLength(2048);
  });
});

describe('condition fields follow metav1.Condition validation', () => {
  // k8s.io/apimachinery metav1 validation: reason is CamelCase-like, type a qualified name.
  const REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
  const reasons = [
    'Provisioned',
    'ReplacementBlocked',
    'InvalidInput',
    'ResourceNotOwned',
    'CloudError',
    'WaitingForCloud',
  ] as const;
  it.each(reasons)('%s', (reason) => {
    const [c] = conditionsPatch(svc(), [provisioned(reason, 'm')], T0) ?? [];
    expect(c?.reason).toMatch(REASON);
    expect(c?.type).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
    expect(c?.lastTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});
