// Plan-time checks of AWS limits (issues 10 and 14): refused before any call, naming the field.
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import { desiredResources } from '../../providers/aws/desired.js';
import { NLB_QUOTAS } from '../../providers/aws/limits.js';
import { intent, node } from './fixtures.js';

function refusal(overrides: Partial<LoadBalancerIntent>): string {
  try {
    desiredResources(intent(overrides), {});
  } catch (e) {
    if (e instanceof InvalidInputError) return e.message;
    throw e;
  }
  throw new Error('expected an InvalidInputError');
}
const accepted = (overrides: Partial<LoadBalancerIntent>) =>
  expect(() => desiredResources(intent(overrides), {})).not.toThrow();

const nodes = (n: number, zone: string, from = 1) =>
  Array.from({ length: n }, (_, i) => ({
    ...node(from + i, zone),
    nodeName: `${zone}-${from + i}`,
  }));
const ports = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `p${i}`,
    protocol: 'TCP' as const,
    port: 1000 + i,
    nodePort: 30000 + i,
  }));

describe('NLB quotas at plan time', () => {
  it('targets per zone: 2 target groups × 250 nodes in one zone fit, × 251 do not', () => {
    accepted({ targets: nodes(250, 'us-east-1a') });
    expect(refusal({ targets: nodes(251, 'us-east-1a') })).toContain(
      `spec.ports: Invalid value: "2 target group(s) × 251 node(s) = 502 targets in us-east-1a": an NLB allows at most ${NLB_QUOTAS.targetsPerZone} targets per availability zone`,
    );
  });

  it('spread over zones the per-zone quota holds, the per-NLB one (3,000) still counts', () => {
    accepted({ targets: [...nodes(250, 'us-east-1a'), ...nodes(250, 'us-east-1b', 251)] });
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].flatMap((z, i) =>
      nodes(220, `us-east-1${z}`, 1 + i * 220),
    );
    expect(refusal({ targets: many })).toContain(
      'an NLB allows at most 3000 targets (adjustable AWS quota',
    );
  });

  it('with cross-zone load balancing, 500 targets in all: the error names the annotation', () => {
    const targets = [...nodes(130, 'us-east-1a'), ...nodes(130, 'us-east-1b', 131)];
    accepted({ targets });
    expect(refusal({ targets, options: { aws: { crossZoneLoadBalancing: true } } })).toContain(
      'metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled]: Invalid value: "2 target group(s) × 260 node(s) = 520 targets"',
    );
  });

  it('listeners per NLB: 50', () => {
    accepted({ listeners: ports(50), targets: nodes(1, 'us-east-1a') });
    expect(refusal({ listeners: ports(51), targets: nodes(1, 'us-east-1a') })).toContain(
      'spec.ports: Invalid value: 51: an AWS network load balancer allows at most 50 listeners',
    );
  });
});

describe('what lbctl derives from the Service, checked against AWS’s rules', () => {
  it('a UID kube-apiserver would not issue gives a load balancer name AWS refuses: named as metadata.uid', () => {
    expect(
      refusal({ service: { namespace: 'default', name: 'web', uid: 'NOT-A-UUID!!' } }),
    ).toContain(
      'metadata.uid: Invalid value: "NOT-A-UUID!!": gives the load balancer name "aNOTAUUID!!"',
    );
  });

  it('a Service name too long for the tag value is refused as metadata.name', () => {
    const name = 'x'.repeat(300);
    expect(
      refusal({ service: { namespace: 'default', name, uid: intent().service.uid } }),
    ).toContain('metadata.name: Invalid value: "default/xxx');
  });

  it('a cluster name that makes the ownership tag key longer than 128 characters names --cluster-name', () => {
    expect(refusal({ clusterName: 'c'.repeat(107) })).toContain(
      '--cluster-name: Invalid value: "ccc',
    );
    accepted({ clusterName: 'c'.repeat(106) });
  });

  it('tags: 46 user tags fit next to lbctl’s 4, 47 do not; a user key equal to one of ours is not counted twice', () => {
    const tags = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    accepted({ extraTags: tags(46) });
    expect(refusal({ extraTags: tags(47) })).toContain(
      'metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags]: Invalid value: 47: AWS allows 50 tags per resource',
    );
    accepted({ extraTags: { ...tags(46), 'kubernetes.io/service-uid': 'x' } });
    expect(refusal({ extraTags: { bad: 'a\u0000b' } })).toContain('Elastic Load Balancing tags');
  });
});
