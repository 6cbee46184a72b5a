import { beforeAll, describe, expect, it } from 'vitest';

import type { LoadBalancerIntent } from '../../../src/core/intent.js';
import type { Service } from '../../../src/core/k8s.js';
import { buildIntent, wantsLoadBalancer } from '../../../src/intent/index.js';
import { readManifests, withSource } from '../../../src/k8s/files.js';
import type { Manifests } from '../../../src/k8s/files.js';
import { allocateAll } from '../../../src/layers/index.js';

const PROVIDERS = ['aws', 'gcp', 'azure'] as const;
const intents: Record<string, Map<string, LoadBalancerIntent>> = {};
let services: Service[] = [];

beforeAll(async () => {
  for (const provider of PROVIDERS) {
    const m = await readManifests(['examples/services', `examples/nodes/${provider}.yaml`]);
    services = allocateAll(m.services.map((s) => s.object));
    const nodes = m.nodes.map((n) => n.object);
    intents[provider] = new Map(
      services
        .filter((s) => wantsLoadBalancer(s))
        .map((s) => [s.metadata.name, buildIntent(s, nodes, { clusterName: 'demo', provider })]),
    );
  }
});

const aws = (name: string): LoadBalancerIntent => {
  const i = intents['aws']?.get(name);
  if (i === undefined) throw new Error(`no intent for ${name}`);
  return i;
};

describe('examples: intents', () => {
  it('plans a load balancer for every LoadBalancer example and none for redis-master', () => {
    expect([...(intents['aws']?.keys() ?? [])].sort()).toEqual([
      'admin-api',
      'billing',
      'dns-gateway',
      'frontend-svc',
      'ingress-nginx',
      'myapp-service',
      'webserver',
    ]);
  });

  it('gives redis-master a ClusterIP only', () => {
    const redis = services.find((s) => s.metadata.name === 'redis-master');
    expect([redis?.spec.clusterIP !== undefined, redis?.spec.ports?.[0]?.nodePort]).toEqual([
      true,
      undefined,
    ]);
  });

  for (const provider of PROVIDERS) {
    it(`targets the three ${provider} nodes for every Service`, () => {
      expect([...(intents[provider]?.values() ?? [])].map((i) => i.targets.length)).toEqual([
        3, 3, 3, 3, 3, 3, 3,
      ]);
    });
  }

  it('myapp-service: port 80 to the requested nodePort 30008, TCP health check on it', () => {
    const i = aws('myapp-service');
    expect([i.listeners, i.healthCheck.protocol, i.healthCheck.port, i.service.uid]).toEqual([
      [{ name: 'tcp-80', protocol: 'TCP', port: 80, nodePort: 30008 }],
      'TCP',
      30008,
      '1f1c2a3e-8b9d-4c7a-9e01-000000000001',
    ]);
  });

  it('frontend-svc and webserver: one TCP listener on port 80 each', () => {
    expect([
      aws('frontend-svc').listeners.map((l) => l.port),
      aws('webserver').listeners.map((l) => l.port),
    ]).toEqual([[80], [80]]);
  });

  it('dns-gateway: UDP and TCP 53 share a nodePort, metrics has its own', () => {
    const l = aws('dns-gateway').listeners;
    expect([
      l.map((x) => `${x.protocol}/${x.port}`),
      l[0]?.nodePort === l[2]?.nodePort,
      l[1]?.nodePort === l[0]?.nodePort,
    ]).toEqual([['TCP/53', 'TCP/9153', 'UDP/53'], true, false]);
  });

  it('ingress-nginx: Local policy, HTTP /healthz on the healthCheckNodePort', () => {
    const i = aws('ingress-nginx');
    const svc = services.find((s) => s.metadata.name === 'ingress-nginx');
    expect([
      i.externalTrafficPolicy,
      i.healthCheck.protocol,
      i.healthCheck.path,
      i.healthCheck.port,
    ]).toEqual(['Local', 'HTTP', '/healthz', svc?.spec.healthCheckNodePort]);
  });

  it('admin-api: source ranges sorted, ClientIP affinity, tags', () => {
    const i = aws('admin-api');
    expect([i.sourceRanges, i.sessionAffinity, i.extraTags]).toEqual([
      ['198.51.100.7/32', '203.0.113.0/24'],
      { type: 'ClientIP', timeoutSeconds: 3600 },
      { 'cost-center': '42', team: 'platform' },
    ]);
  });

  for (const provider of PROVIDERS) {
    it(`billing: internal with ${provider}`, () => {
      expect(intents[provider]?.get('billing')?.scheme).toBe('internal');
    });
  }

  it('every other example is external', () => {
    const schemes = [...(intents['aws']?.values() ?? [])]
      .filter((i) => i.service.name !== 'billing')
      .map((i) => i.scheme);
    expect(new Set(schemes)).toEqual(new Set(['external']));
  });

  it('carries zones from the node labels', () => {
    expect(aws('webserver').targets.map((t) => t.zone)).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
    ]);
  });
});

describe('examples/invalid/many-errors.yaml: every problem at once', () => {
  it('lists the problems of all three Services, one line each', async () => {
    const error = await readManifests(['examples/invalid/many-errors.yaml']).catch(
      (e: unknown) => e,
    );
    const lines = (error as Error).message.split('\n');
    const summary = lines.map((l) => {
      const m =
        /^examples\/invalid\/many-errors\.yaml, document \d \((Service [^)]*)\): ([^:]+): /.exec(l);
      return m === null ? l : `${m[1]} ${m[2]}`;
    });
    expect(summary).toEqual([
      'Service default/Bad_Name metadata.name',
      'Service default/affinity spec.ports[0].targetPort',
      'Service default/affinity spec.ports[0].targetPort',
      'Service default/affinity spec.sessionAffinityConfig',
      'Service default/labels metadata.labels',
    ]);
  });
});

describe('examples/invalid: one clear error each, naming file, object and field', () => {
  const cases: [string, string][] = [
    ['malformed', 'examples/invalid/malformed.yaml, document 1: invalid YAML: '],
    [
      'bad-uid',
      'examples/invalid/bad-uid.yaml, document 1 (Service default/bad-uid): metadata.uid: Invalid value: "NOT-A-UUID!!": must be a UUID in RFC 4122 text form',
    ],
    [
      'nodeport-out-of-range',
      'examples/invalid/nodeport-out-of-range.yaml, document 1 (Service default/low-nodeport): spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ],
    [
      'duplicate-nodeport',
      'examples/invalid/duplicate-nodeport.yaml, document 2 (Service default/second): spec.ports[0].nodePort: Invalid value: 30100: provided port is already allocated',
    ],
    [
      'unknown-protocol',
      'examples/invalid/unknown-protocol.yaml, document 1 (Service default/http-proto): spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ],
    [
      'bad-cidr',
      'examples/invalid/bad-cidr.yaml, document 1 (Service default/bad-range): spec.loadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR',
    ],
    [
      'bad-annotation',
      'examples/invalid/bad-annotation.yaml, document 1 (Service default/bad-scheme): metadata.annotations[lbctl.io/scheme]: Unsupported value: "public": supported values: "external", "internal"',
    ],
    [
      'headless-loadbalancer',
      `examples/invalid/headless-loadbalancer.yaml, document 1 (Service default/headless-lb): spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for LoadBalancer services`,
    ],
  ];
  for (const [file, message] of cases) {
    it(`${file}.yaml`, async () => {
      let error: unknown;
      let m: Manifests | undefined;
      try {
        m = await readManifests([`examples/invalid/${file}.yaml`, 'examples/nodes/aws.yaml']);
        const nodes = m.nodes.map((n) => n.object);
        for (const svc of allocateAll(m.services.map((s) => s.object))) {
          buildIntent(svc, nodes, { clusterName: 'demo', provider: 'aws' });
        }
      } catch (e) {
        error = m === undefined ? e : withSource(e, m);
      }
      const text = (error as Error | undefined)?.message ?? 'no error';
      expect(text.includes('\n') ? text : text.slice(0, message.length)).toBe(message);
    });
  }
});
