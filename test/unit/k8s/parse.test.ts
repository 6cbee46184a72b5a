import { describe, expect, it } from 'vitest';

import type { LbctlError } from '../../../src/core/errors.js';
import { parseManifestText } from '../../../src/k8s/files.js';
import { derivedUid } from '../../../src/k8s/parse.js';
import { errorOf } from '../fixtures.js';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  ports:
  - port: 80
`;

const NODE = `apiVersion: v1
kind: Node
metadata:
  name: n1
  namespace: ignored
spec:
  providerID: aws:///us-east-1a/i-1
`;

const parse = (text: string) => parseManifestText('in.yaml', text);

describe('parseManifestText: good input', () => {
  it('reads a Service', () => {
    // With kube-apiserver's defaults applied.
    expect(parse(SERVICE).services[0]?.object.spec.ports).toEqual([
      { port: 80, protocol: 'TCP', targetPort: 80 },
    ]);
  });

  it('puts a Service without namespace in default', () => {
    expect(parse(SERVICE).services[0]?.object.metadata.namespace).toBe('default');
  });

  it('records file and 1-based document of each object', () => {
    expect(parse(`${SERVICE}---\n${NODE}`).nodes[0]?.source).toEqual({
      file: 'in.yaml',
      document: 2,
    });
  });

  it('drops the namespace of a Node (cluster-scoped)', () => {
    expect(parse(NODE).nodes[0]?.object.metadata.namespace).toBeUndefined();
  });

  it('skips empty documents', () => {
    expect(parse(`---\n${SERVICE}---\n---\n`).services).toHaveLength(1);
  });

  it('reads an empty file as nothing', () => {
    expect(parse('')).toEqual({ services: [], nodes: [], notices: [], invalid: [] });
  });

  it('reads the items of a List', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' } }],
    };
    expect(parse(JSON.stringify(list)).nodes.map((n) => n.object.metadata.name)).toEqual(['a']);
  });

  it('reads the items of a ServiceList', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'ServiceList',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'a' },
          spec: { ports: [{ port: 80 }] },
        },
      ],
    };
    expect(parse(JSON.stringify(list)).services).toHaveLength(1);
  });

  it('reads JSON', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'j' },
      spec: { ports: [{ port: 443 }] },
    };
    expect(
      parseManifestText('s.json', JSON.stringify(svc, null, 2)).services[0]?.object.metadata.name,
    ).toBe('j');
  });

  it('reads YAML booleans as kubectl does (YAML 1.1: yes is true)', () => {
    const text = SERVICE.replace(
      '  type: LoadBalancer',
      '  type: LoadBalancer\n  allocateLoadBalancerNodePorts: yes',
    );
    expect(parse(text).services[0]?.object.spec.allocateLoadBalancerNodePorts).toBe(true);
  });

  it('accepts a string targetPort', () => {
    expect(
      parse(SERVICE.replace('- port: 80', '- port: 80\n    targetPort: http')).services,
    ).toHaveLength(1);
  });
});

describe('parseManifestText: notices', () => {
  it('skips other kinds with a notice naming file, document and object', () => {
    const out = parse('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
    expect(out.notices).toEqual([
      'in.yaml, document 1 (Deployment default/web): skipped Deployment (lbctl reads only Service and Node objects)',
    ]);
  });

  it('reports unknown fields instead of dropping them silently', () => {
    expect(parse(SERVICE.replace('  type:', '  portz: 1\n  type:')).notices).toContain(
      'in.yaml, document 1 (Service default/web): ignored unknown field spec.portz',
    );
  });
});

describe('parseManifestText: malformed input', () => {
  it('names file, document, object, field, value and line for a wrong type', () => {
    expect(errorOf(() => parse(`${NODE}---\n${SERVICE.replace('port: 80', 'port: eighty')}`))).toBe(
      'in.yaml, document 2 (Service default/web): spec.ports[0].port: Invalid value: "eighty": must be an integer (line 16)',
    );
  });

  it('throws LbctlError of kind invalid', () => {
    let error: unknown;
    try {
      parse('kind: [');
    } catch (e) {
      error = e;
    }
    expect((error as LbctlError).kind).toBe('invalid');
  });

  it('reports YAML syntax errors with document, line and column on one line', () => {
    const message = errorOf(() => parse(`${SERVICE}---\nkind: Service\nmetadata: {name: x\n`));
    expect([
      message.startsWith('in.yaml, document 2: invalid YAML: '),
      message.includes('\n'),
      /\(line \d+, column \d+\)$/.test(message),
    ]).toEqual([true, false, true]);
  });

  it('refuses a document that is not a map', () => {
    expect(errorOf(() => parse('- a\n- b\n'))).toBe(
      'in.yaml, document 1: must be a Kubernetes object (a map with apiVersion and kind), got a list (line 1)',
    );
  });

  it('refuses a document without kind', () => {
    expect(errorOf(() => parse('apiVersion: v1\nmetadata: {name: a}\n'))).toBe(
      'in.yaml, document 1: kind: Required value (line 1)',
    );
  });

  it('refuses a document without apiVersion', () => {
    expect(errorOf(() => parse('kind: Service\nmetadata: {name: a}\n'))).toContain(
      'apiVersion: Required value',
    );
  });

  it('refuses a Service of another apiVersion', () => {
    expect(errorOf(() => parse(SERVICE.replace('apiVersion: v1', 'apiVersion: v2')))).toBe(
      'in.yaml, document 1 (Service default/web): apiVersion: Unsupported value: "v2": supported values: "v1" (line 1)',
    );
  });

  it('refuses a Service without a name', () => {
    expect(
      errorOf(() => parse('apiVersion: v1\nkind: Service\nmetadata: {}\nspec: {}\n')),
    ).toContain('(Service): metadata.name: Required value: name or generateName is required');
  });

  it('refuses an unquoted boolean annotation, naming the annotation', () => {
    const text = SERVICE.replace(
      '  name: web',
      '  name: web\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-internal: true',
    );
    expect(errorOf(() => parse(text))).toBe(
      'in.yaml, document 1 (Service default/web): metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-internal]: Invalid value: true: must be a string (quote it in YAML: "true") (line 6)',
    );
  });

  it('refuses ports that are not a list', () => {
    expect(
      errorOf(() => parse(SERVICE.replace('  ports:\n  - port: 80', '  ports: 80'))),
    ).toContain('spec.ports: Invalid value: 80: must be a list');
  });

  it('refuses a non-boolean allocateLoadBalancerNodePorts', () => {
    expect(
      errorOf(() =>
        parse(
          SERVICE.replace(
            '  type: LoadBalancer',
            '  type: LoadBalancer\n  allocateLoadBalancerNodePorts: maybe',
          ),
        ),
      ),
    ).toContain(
      'spec.allocateLoadBalancerNodePorts: Invalid value: "maybe": must be a boolean (true or false)',
    );
  });

  it('refuses a Node taint without effect', () => {
    expect(errorOf(() => parse(`${NODE}  taints:\n  - key: a\n`))).toContain(
      '(Node n1): spec.taints[0].effect: Required value',
    );
  });

  it('names the List item of a bad object', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a', labels: { x: 1 } } }],
    };
    expect(errorOf(() => parse(JSON.stringify(list)))).toBe(
      'in.yaml, document 1, items[0] (Node a): metadata.labels[x]: Invalid value: 1: must be a string (quote it in YAML: "1") (line 1)',
    );
  });

  it('refuses a List inside a List', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'List', items: [] }],
    };
    expect(errorOf(() => parse(JSON.stringify(list)))).toContain(
      'a List may not contain another List',
    );
  });
});

describe('parseManifestText: Services without a UID', () => {
  it('derives a stable UUID from namespace and name', () => {
    const a = parse(SERVICE).services[0]?.object.metadata.uid;
    expect([a, a === parse(SERVICE).services[0]?.object.metadata.uid]).toEqual([
      derivedUid('default', 'web'),
      true,
    ]);
  });

  it('derives different UUIDs for different names', () => {
    expect(derivedUid('default', 'a')).not.toBe(derivedUid('default', 'b'));
  });

  it('derives UUIDs of the RFC 4122 version 5 shape', () => {
    expect(derivedUid('default', 'web')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('says so in a notice', () => {
    expect(parse(SERVICE).notices[0]).toMatch(
      /^in\.yaml, document 1 \(Service default\/web\): no metadata\.uid; using /,
    );
  });

  it('keeps a UID that is there, in lower case', () => {
    const text = SERVICE.replace(
      '  name: web',
      '  name: web\n  uid: 5F1C2A3E-8B9D-4C7A-9E01-0000000000A1',
    );
    expect(parse(text).services[0]?.object.metadata.uid).toBe(
      '5f1c2a3e-8b9d-4c7a-9e01-0000000000a1',
    );
  });

  it('refuses a UID the API server would not have issued', () => {
    const text = SERVICE.replace('  name: web', '  name: web\n  uid: NOT-A-UUID!!');
    expect(errorOf(() => parse(text))).toContain(
      'metadata.uid: Invalid value: "NOT-A-UUID!!": must be a UUID in RFC 4122 text form',
    );
  });
});
