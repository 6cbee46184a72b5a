import { describe, expect, it } from 'vitest';

import type { Node } from '../../../src/core/k8s.js';
import {
  eligibleTargets,
  hasProviderID,
  isBeingDeleted,
  isEligibleNode,
  isExcludedByLabel,
  isMarkedForScaleDown,
  isProviderNode,
  parseGoBool,
  wantsLoadBalancer,
} from '../../../src/intent/index.js';
import { lb, node, service } from '../fixtures.js';

const EXCLUDE = 'node.kubernetes.io/exclude-from-external-load-balancers';

describe('parseGoBool', () => {
  const table: [string, boolean | undefined][] = [
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['t', true],
    ['1', true],
    ['false', false],
    ['F', false],
    ['0', false],
    ['yes', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of table) {
    it(`parses ${JSON.stringify(input)} as ${String(expected)}`, () => {
      expect(parseGoBool(input)).toBe(expected);
    });
  }
});

describe('isExcludedByLabel', () => {
  const table: [string, Record<string, string> | undefined, boolean][] = [
    ['no label', undefined, false],
    ['label "true"', { [EXCLUDE]: 'true' }, true],
    ['label "false"', { [EXCLUDE]: 'false' }, false],
    ['label "0"', { [EXCLUDE]: '0' }, false],
    ['label "" (unparsable: exclude)', { [EXCLUDE]: '' }, true],
    ['label "maybe" (unparsable: exclude)', { [EXCLUDE]: 'maybe' }, true],
    ['another label only', { 'node-role.kubernetes.io/control-plane': '' }, false],
  ];
  for (const [what, labels, expected] of table) {
    it(`${expected ? 'excludes' : 'keeps'} a node with ${what}`, () => {
      expect(isExcludedByLabel(node('n', labels === undefined ? {} : { labels }))).toBe(expected);
    });
  }
});

describe('node predicates', () => {
  it('marks a node tainted ToBeDeletedByClusterAutoscaler', () => {
    const n = node('n', {
      spec: {
        providerID: 'aws:///a/i-1',
        taints: [
          { key: 'ToBeDeletedByClusterAutoscaler', value: '1700000000', effect: 'NoSchedule' },
        ],
      },
    });
    expect(isMarkedForScaleDown(n)).toBe(true);
  });

  it('ignores other taints', () => {
    const n = node('n', {
      spec: { providerID: 'aws:///a/i-1', taints: [{ key: 'dedicated', effect: 'NoSchedule' }] },
    });
    expect(isMarkedForScaleDown(n)).toBe(false);
  });

  it('sees a node being deleted', () => {
    expect(
      isBeingDeleted(
        node('n', { metadata: { name: 'n', deletionTimestamp: '2026-11-21T10:00:00Z' } }),
      ),
    ).toBe(true);
  });

  it('sees a node without providerID', () => {
    expect(hasProviderID(node('n', { spec: {} }))).toBe(false);
  });

  it('keeps a NotReady node eligible (readiness is not a filter)', () => {
    const n = node('n', { status: { conditions: [{ type: 'Ready', status: 'False' }] } });
    expect(isEligibleNode(n)).toBe(true);
  });

  it('keeps an unschedulable (cordoned) node eligible', () => {
    expect(
      isEligibleNode(node('n', { spec: { providerID: 'aws:///a/i-1', unschedulable: true } })),
    ).toBe(true);
  });

  const ineligible: [string, Node][] = [
    ['excluded by label', node('n', { labels: { [EXCLUDE]: 'true' } })],
    [
      'scaled down',
      node('n', {
        spec: {
          providerID: 'aws:///a/i-1',
          taints: [{ key: 'ToBeDeletedByClusterAutoscaler', effect: 'NoSchedule' }],
        },
      }),
    ],
    [
      'being deleted',
      node('n', { metadata: { name: 'n', deletionTimestamp: '2026-11-21T10:00:00Z' } }),
    ],
    ['not initialised (no providerID)', node('n', { spec: {} })],
  ];
  for (const [what, n] of ineligible) {
    it(`refuses a node ${what}`, () => {
      expect(isEligibleNode(n)).toBe(false);
    });
  }

  const schemes: [string, string, boolean][] = [
    ['aws', 'aws:///us-east-1a/i-1', true],
    ['aws', 'gce://p/z/n', false],
    ['gcp', 'gce://p/z/n', true],
    [
      'azure',
      'azure:///subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/v',
      true,
    ],
    ['azure', 'aws:///a/i-1', false],
    ['local', 'kind://docker/kind/kind-worker', true],
  ];
  for (const [provider, id, expected] of schemes) {
    it(`${expected ? 'accepts' : 'refuses'} ${id} for provider ${provider}`, () => {
      expect(isProviderNode(node('n', { providerID: id }), provider as 'aws')).toBe(expected);
    });
  }
});

describe('eligibleTargets', () => {
  it('sorts targets by node name and keeps addresses and zone', () => {
    const nodes = [
      node('b', { labels: { 'topology.kubernetes.io/zone': 'us-east-1b' } }),
      node('a', {
        status: {
          addresses: [
            { type: 'InternalIP', address: '10.0.0.9' },
            { type: 'ExternalIP', address: '203.0.113.9' },
          ],
        },
      }),
    ];
    expect(eligibleTargets(nodes, 'aws')).toEqual([
      {
        nodeName: 'a',
        providerID: 'aws:///us-east-1a/i-a',
        internalIP: '10.0.0.9',
        externalIP: '203.0.113.9',
      },
      {
        nodeName: 'b',
        providerID: 'aws:///us-east-1a/i-b',
        internalIP: '10.0.0.1',
        zone: 'us-east-1b',
      },
    ]);
  });

  it('leaves out ineligible nodes', () => {
    expect(
      eligibleTargets([node('a'), node('b', { spec: {} })], 'aws').map((t) => t.nodeName),
    ).toEqual(['a']);
  });
});

describe('wantsLoadBalancer', () => {
  it('wants a LoadBalancer without class', () => {
    expect(wantsLoadBalancer(lb('a'))).toBe(true);
  });

  it('does not want a ClusterIP Service', () => {
    expect(wantsLoadBalancer(service('a', { ports: [{ port: 80 }] }))).toBe(false);
  });

  it('does not want a NodePort Service', () => {
    expect(wantsLoadBalancer(service('a', { type: 'NodePort', ports: [{ port: 80 }] }))).toBe(
      false,
    );
  });

  it('leaves a Service with a class to its implementation when no class is configured', () => {
    expect(wantsLoadBalancer(lb('a', { loadBalancerClass: 'service.k8s.aws/nlb' }))).toBe(false);
  });

  it('takes a Service of the configured class', () => {
    expect(
      wantsLoadBalancer(lb('a', { loadBalancerClass: 'lbctl.io/lb' }), {
        loadBalancerClass: 'lbctl.io/lb',
      }),
    ).toBe(true);
  });

  it('refuses a Service without class when a class is configured', () => {
    expect(wantsLoadBalancer(lb('a'), { loadBalancerClass: 'lbctl.io/lb' })).toBe(false);
  });

  it('refuses a Service of another class when a class is configured', () => {
    expect(
      wantsLoadBalancer(lb('a', { loadBalancerClass: 'other' }), {
        loadBalancerClass: 'lbctl.io/lb',
      }),
    ).toBe(false);
  });
});
