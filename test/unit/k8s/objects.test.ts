// The decoding and validation layer (src/k8s/objects.ts) on the cases of issue 14.
import { describe, expect, it } from 'vitest';
import { formatFieldProblem } from '../../../src/core/errors.js';
import { decodeNode, decodeService } from '../../../src/k8s/objects.js';
import { parseManifestText } from '../../../src/k8s/files.js';
import { readYaml } from '../../../src/k8s/yaml.js';

const svc = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', ...meta },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec },
});
const messages = (raw: unknown) =>
  decodeService(raw).problems.map((p) => formatFieldProblem(p.problem));
const yamlValue = (text: string) => readYaml(text).documents[0]?.value;

describe('YAML as kubectl reads it', () => {
  it.each<[string, unknown]>([
    ['e5', 'e5'],
    ['e550', 'e550'],
    ['1:30', '1:30'],
    ['2024-01-01', '2024-01-01'],
    ['yes', true],
    ['off', false],
    ['010', 8],
    ['1_000', 1000],
    ['0x1F', 31],
    ['1e3', 1000],
    ['~', null],
    ['"80"', '80'],
  ])('plain %s → %j', (text, value) => {
    expect(yamlValue(`a: ${text}\n`)).toEqual({ a: value });
  });

  it('refuses .inf, which has no JSON form', () => {
    expect(readYaml('a: .inf\n').documents[0]?.error).toMatch(/\.inf has no JSON form/);
  });

  it('merges << keys, explicit keys winning', () => {
    expect(yamlValue('b: &b {p: 1, q: 2}\nc:\n  <<: *b\n  q: 3\n')).toEqual({
      b: { p: 1, q: 2 },
      c: { p: 1, q: 3 },
    });
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10)
          .fill(`*${'abcdefghij'[i - 1]}`)
          .join(', ')}]`,
      );
    expect(readYaml(bomb.join('\n')).documents[0]?.error).toMatch(/more than 1000000 values/);
  });

  it('refuses deep nesting instead of overflowing', () => {
    const deep = `a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`;
    expect(readYaml(deep).documents[0]?.error).toMatch(/nesting deeper/);
  });

  it('a __proto__ key is an own property, never a prototype', () => {
    const v = yamlValue('__proto__: {polluted: true}\n') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
  });
});

describe('decodeService: nulls, defaults', () => {
  it('treats explicit nulls as unset', () => {
    const out = decodeService(
      svc({
        clusterIP: null,
        ipFamilyPolicy: null,
        healthCheckNodePort: null,
        ports: [{ port: 80, nodePort: null }],
      }),
    );
    expect(out.problems).toEqual([]);
  });

  it('defaults empty strings and targetPort 0 like the API server', () => {
    const out = decodeService(
      svc(
        {
          type: '',
          sessionAffinity: '',
          externalTrafficPolicy: '',
          ports: [{ port: 80, protocol: '', targetPort: 0 }],
        },
        { namespace: '' },
      ),
    );
    expect(out.problems).toEqual([]);
    expect(out.object?.metadata.namespace).toBe('default');
    expect(out.object?.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
  });

  it('a null port is a zero port, refused by validation', () => {
    expect(messages(svc({ ports: [null] }))[0]).toMatch(
      /^spec\.ports\[0\]\.port: Invalid value: .*must be between 1 and 65535, inclusive$/,
    );
  });

  it('drops a __proto__ key in spec as an unknown field', () => {
    const raw = JSON.parse(
      '{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"},"spec":{"__proto__":{"x":1},"ports":[{"port":80}]}}',
    );
    const out = decodeService(raw);
    expect(out.unknown).toEqual(['spec.__proto__']);
    expect(out.problems).toEqual([]);
  });
});

describe('decodeService: kube-apiserver validation', () => {
  it.each<[string, unknown, string]>([
    [
      'a bad name',
      svc({}, { name: 'Bad_Name' }),
      'metadata.name: Invalid value: "Bad_Name": a DNS-1035 label must consist of',
    ],
    [
      'a bad namespace',
      svc({}, { namespace: 'A B' }),
      'metadata.namespace: Invalid value: "A B": a lowercase RFC 1123 label',
    ],
    [
      'a label key a/b/c',
      svc({}, { labels: { 'a/b/c': 'x' } }),
      'metadata.labels: Invalid value: "a/b/c": a qualified name must consist of',
    ],
    [
      'a bad label value',
      svc({}, { labels: { a: '-x' } }),
      'metadata.labels: Invalid value: "-x": a valid label must be an empty string',
    ],
    [
      'an annotation key __proto__',
      JSON.parse(
        '{"apiVersion":"v1","kind":"Service","metadata":{"name":"a","annotations":{"__proto__":"x"}},"spec":{"ports":[{"port":80}]}}',
      ),
      'metadata.annotations: Invalid value: "__proto__": name part must consist of',
    ],
    [
      'annotations over 256 KiB',
      svc({}, { annotations: { a: 'x'.repeat(262144) } }),
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ],
    ['a selector key', svc({ selector: { 'a b': 'x' } }), 'spec.selector: Invalid value: "a b"'],
    [
      'a targetPort name',
      svc({ ports: [{ port: 80, targetPort: 'HTTP_PORT' }] }),
      'spec.ports[0].targetPort: Invalid value: "HTTP_PORT": must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)',
    ],
    [
      'an appProtocol',
      svc({ ports: [{ port: 80, appProtocol: 'a/b/c' }] }),
      'spec.ports[0].appProtocol: Invalid value: "a/b/c"',
    ],
    [
      'a loadBalancerClass',
      svc({ loadBalancerClass: 'not valid' }),
      'spec.loadBalancerClass: Invalid value: "not valid"',
    ],
    [
      'a loadBalancerClass on ClusterIP',
      svc({ type: 'ClusterIP', loadBalancerClass: 'x.io/y' }),
      "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ],
    [
      'internalTrafficPolicy',
      svc({ internalTrafficPolicy: 'Nearest' }),
      'spec.internalTrafficPolicy: Unsupported value: "Nearest": supported values: "Cluster", "Local"',
    ],
    [
      'sessionAffinityConfig with None',
      svc({ sessionAffinity: 'None', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } } }),
      'spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None',
    ],
    [
      'externalTrafficPolicy on ClusterIP',
      svc({ type: 'ClusterIP', externalTrafficPolicy: 'Local' }),
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    ],
    [
      'loadBalancerSourceRanges on NodePort',
      svc({ type: 'NodePort', loadBalancerSourceRanges: ['10.0.0.0/8'] }),
      "spec.loadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ],
    [
      'a UID that is no UUID',
      svc({}, { uid: 'NOT-A-UUID!!' }),
      'metadata.uid: Invalid value: "NOT-A-UUID!!": must be a UUID',
    ],
    [
      'a port of the wrong type',
      svc({ ports: [{ port: 'eighty' }] }),
      'spec.ports[0].port: Invalid value: "eighty": must be an integer',
    ],
    [
      'a map-valued annotation',
      svc({}, { annotations: { a: { b: 1 } } }),
      'metadata.annotations[a]: Invalid value: "(a map)": must be a string',
    ],
  ])('refuses %s', (_what, raw, message) => {
    const all = messages(raw);
    expect(
      all.some((m) => m.startsWith(message)),
      all.join('\n'),
    ).toBe(true);
  });

  it('accepts upper-case UIDs and returns them in lower case', () => {
    const out = decodeService(svc({}, { uid: '5F1C2A3E-8B9D-4C7A-9E01-0000000000A1' }));
    expect(out.object?.metadata.uid).toBe('5f1c2a3e-8b9d-4c7a-9e01-0000000000a1');
  });

  it('lists every problem of a Service at once', () => {
    expect(
      messages(svc({ internalTrafficPolicy: 'x', loadBalancerClass: '' }, { name: 'Bad_Name' }))
        .length,
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('decodeNode', () => {
  const node = (extra: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1' },
    ...extra,
  });
  const nodeMessages = (raw: unknown) =>
    decodeNode(raw).problems.map((p) => formatFieldProblem(p.problem));

  it('refuses an InternalIP that is not an IP', () => {
    expect(
      nodeMessages(
        node({ status: { addresses: [{ type: 'InternalIP', address: 'not-an-ip' }] } }),
      )[0],
    ).toMatch(/^status\.addresses\[0\]\.address: Invalid value: "not-an-ip"/);
  });

  it('a null taint is a zero taint: key and effect are required', () => {
    expect(nodeMessages(node({ spec: { taints: [null] } }))).toEqual(
      expect.arrayContaining(['spec.taints[0].effect: Required value']),
    );
  });

  it('refuses a bad Node name and an unknown taint effect', () => {
    const all = nodeMessages(
      node({ metadata: { name: 'N_1' }, spec: { taints: [{ key: 'a', effect: 'Never' }] } }),
    );
    expect(all.join('\n')).toMatch(
      /metadata\.name: Invalid value: "N_1": a lowercase RFC 1123 subdomain/,
    );
    expect(all.join('\n')).toMatch(
      /spec\.taints\[0\]\.effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"/,
    );
  });
});

describe('parseManifestText: every error at once, on one line each', () => {
  it('reports three bad Services of one file', () => {
    const bad = (name: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {ports: [{port: 80}]}\n`;
    const text = [bad('Bad_1'), bad('Bad_2'), bad('Bad_3')].join('---\n');
    const out = parseManifestText('f.yaml', text, { keepInvalid: true });
    expect(out.invalid.map((r) => r.source.document)).toEqual([1, 2, 3]);
  });

  it('escapes a newline in a name', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata: {name: "a\\nb"}\nspec: {ports: [{port: 80}]}\n';
    const line =
      parseManifestText('f.yaml', text, { keepInvalid: true }).invalid[0]?.lines[0] ?? '';
    expect(line).not.toContain('\n');
    expect(line).toContain('a\\nb');
  });
});

describe('validateService with old (updates)', () => {
  const lb = (extra: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', uid: '5f1c2a3e-8b9d-4c7a-9e01-0000000000a1' },
    spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...extra },
  });

  it('refuses a changed loadBalancerClass', () => {
    const old = decodeService(lb({ loadBalancerClass: 'a.io/x' })).object;
    const next = decodeService(
      lb({ loadBalancerClass: 'a.io/y' }),
      old === undefined ? {} : { old },
    );
    expect(next.problems.map((p) => formatFieldProblem(p.problem))).toEqual([
      'spec.loadBalancerClass: Invalid value: "a.io/y": may not change once set',
    ]);
  });

  it('refuses a changed healthCheckNodePort, allows an omitted one', () => {
    const local = { externalTrafficPolicy: 'Local', healthCheckNodePort: 30100 };
    const old = decodeService(lb(local)).object;
    const opts = old === undefined ? {} : { old };
    expect(decodeService(lb({ ...local, healthCheckNodePort: 30101 }), opts).problems).toHaveLength(
      1,
    );
    expect(decodeService(lb({ externalTrafficPolicy: 'Local' }), opts).problems).toEqual([]);
  });
});
