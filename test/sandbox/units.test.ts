import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../src/sandbox/duration.js';
import type { Json } from '../../src/sandbox/json.js';
import { jsonPatch, mergePatch, strategicMerge } from '../../src/sandbox/patch.js';
import { decodeProtobuf } from '../../src/sandbox/protobuf.js';
import { resourceFor } from '../../src/sandbox/resources.js';
import { parseFieldSelector, parseLabelSelector } from '../../src/sandbox/selectors.js';
import { Store } from '../../src/sandbox/store.js';

const service = resourceFor('services');
const labelled = (labels: Record<string, string>) => ({ metadata: { name: 'x', labels } });

describe('strategic merge patch', () => {
  const live = {
    metadata: { name: 'web', finalizers: ['a'], labels: { a: '1', b: '2' } },
    spec: {
      ports: [
        { port: 80, name: 'http' },
        { port: 443, name: 'https' },
      ],
      externalIPs: ['1.1.1.1'],
    },
  };
  it.each<[string, Json, Json]>([
    [
      'merges list items by merge key',
      { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
      [
        { port: 80, name: 'http', targetPort: 8080 },
        { port: 443, name: 'https' },
      ],
    ],
    [
      'appends an item with a new key',
      { spec: { ports: [{ port: 8443 }] } },
      [{ port: 80, name: 'http' }, { port: 443, name: 'https' }, { port: 8443 }],
    ],
    [
      'deletes an item with $patch: delete',
      { spec: { ports: [{ $patch: 'delete', port: 80 }] } },
      [{ port: 443, name: 'https' }],
    ],
    [
      'replaces the list with $patch: replace',
      { spec: { ports: [{ port: 1 }, { $patch: 'replace' }] } },
      [{ port: 1 }],
    ],
    [
      'orders by $setElementOrder',
      { spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 80 }] } },
      [
        { port: 443, name: 'https' },
        { port: 80, name: 'http' },
      ],
    ],
  ])('%s', (_name, patch, ports) => {
    expect(
      (strategicMerge(live, patch, service.schema) as { spec: { ports: Json } }).spec.ports,
    ).toEqual(ports);
  });

  it('replaces lists without a merge key, merges sets and deletes map keys with null', () => {
    const out = strategicMerge(
      live,
      { spec: { externalIPs: ['2.2.2.2'] }, metadata: { finalizers: ['b'], labels: { a: null } } },
      service.schema,
    ) as typeof live;
    expect(out.spec.externalIPs).toEqual(['2.2.2.2']);
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
    expect(out.metadata.labels).toEqual({ b: '2' });
  });

  it('removes from a primitive list with $deleteFromPrimitiveList and keeps only $retainKeys', () => {
    const out = strategicMerge(
      live,
      {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
        spec: { $retainKeys: ['ports'] },
      },
      service.schema,
    ) as typeof live;
    expect(out.metadata.finalizers).toEqual([]);
    expect(out.spec).toEqual({ ports: live.spec.ports });
  });
});

describe('merge patch and JSON patch', () => {
  it('merge patch merges objects, deletes with null and replaces lists', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
    });
  });

  it('JSON patch applies add, replace, remove, move, copy and test', () => {
    const doc = { a: [1, 2], b: { c: 'x' } };
    const out = jsonPatch(doc, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'replace', path: '/b/c', value: 'y' },
      { op: 'copy', from: '/b/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e~1f' },
      { op: 'remove', path: '/a/0' },
      { op: 'test', path: '/a', value: [2, 3] },
    ]);
    expect(out).toEqual({ a: [2, 3], b: { c: 'y' }, 'e/f': 'y' });
    expect(doc).toEqual({ a: [1, 2], b: { c: 'x' } });
  });

  it('JSON patch refuses a failed test and a missing path with 422, a non-list with 400', () => {
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(
      expect.objectContaining({ code: 422 }),
    );
    expect(() => jsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }])).toThrow(
      expect.objectContaining({ code: 422 }),
    );
    expect(() => jsonPatch({ a: 1 }, { op: 'remove' })).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });
});

describe('selectors', () => {
  it.each([
    ['a=1', { a: '1' }, true],
    ['a==1', { a: '2' }, false],
    ['a!=1', {}, true],
    ['a in (1, 2),b', { a: '2', b: '' }, true],
    ['a notin (1)', { a: '1' }, false],
    ['!a', { b: '1' }, true],
    ['example.com/role', { 'example.com/role': 'x' }, true],
  ])('label selector %s on %j is %s', (sel, labels, want) => {
    expect(parseLabelSelector(sel)(labelled(labels))).toBe(want);
  });

  it('refuses a malformed label selector and an unsupported field with 400', () => {
    expect(() => parseLabelSelector('a in 1')).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => parseFieldSelector('spec.selector=x', service)).toThrow(
      'field label not supported: spec.selector',
    );
  });
});

describe('store', () => {
  it('keeps a bounded history: older versions are gone, newer replay in order', () => {
    const store = new Store(2);
    for (const name of ['a', 'b', 'c']) store.put('s', name, { metadata: { name } });
    expect(store.since(0)).toBeUndefined();
    expect(store.since(1)?.map((e) => e.object.metadata['name'])).toEqual(['b', 'c']);
    store.remove('s', 'a');
    expect(store.since(2)?.map((e) => [e.type, e.rv])).toEqual([
      ['ADDED', 3],
      ['DELETED', 4],
    ]);
    store.compact();
    expect(store.since(3)).toBeUndefined();
    expect(store.since(4)).toEqual([]);
  });

  it('hands out copies', () => {
    const store = new Store(10);
    store.put('s', 'a', { metadata: { name: 'a' } });
    const got = store.get('s', 'a');
    if (got) got.metadata['name'] = 'changed';
    expect(store.get('s', 'a')?.metadata['name']).toBe('a');
  });
});

it.each([
  [0, '0s'],
  [119_000, '119s'],
  [150_000, '2m30s'],
  [600_000, '10m'],
  [3 * 3600_000 + 5 * 60_000, '3h5m'],
  [30 * 3600_000, '30h'],
  [50 * 3600_000, '2d2h'],
  [400 * 86400_000, '400d'],
])('AGE of %i ms reads %s', (ms, text) => {
  expect(humanDuration(ms)).toBe(text);
});

describe('protobuf requests', () => {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    let v = n;
    while (v >= 128) {
      out.push((v % 128) | 128);
      v = Math.floor(v / 128);
    }
    out.push(v);
    return out;
  };
  const num = (field: number, n: number): number[] => [...varint(field * 8), ...varint(n)];
  const bytes = (field: number, b: number[]): number[] => [
    ...varint(field * 8 + 2),
    ...varint(b.length),
    ...b,
  ];
  const text = (field: number, s: string): number[] => bytes(field, [...Buffer.from(s)]);
  const envelope = (kind: string, raw: number[]): Buffer =>
    Buffer.from([
      ...Buffer.from('k8s\u0000', 'latin1'),
      ...bytes(1, [...text(1, 'v1'), ...text(2, kind)]),
      ...bytes(2, raw),
    ]);

  it('decodes a Service as kubectl create service sends it, dropping Go zero values', () => {
    const meta = [...text(1, 'web'), ...bytes(11, [...text(1, 'app'), ...text(2, 'web')])];
    const port = [
      ...text(1, ''),
      ...text(2, 'TCP'),
      ...num(3, 80),
      ...bytes(4, [...num(1, 0), ...num(2, 8080)]),
      ...num(5, 0),
    ];
    const spec = [
      ...bytes(1, port),
      ...text(4, 'NodePort'),
      ...text(7, ''),
      ...num(20, 0),
      ...num(12, 0),
    ];
    expect(decodeProtobuf(envelope('Service', [...bytes(1, meta), ...bytes(2, spec)]))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }],
        type: 'NodePort',
        allocateLoadBalancerNodePorts: false,
      },
    });
  });

  it('refuses protobuf of kinds it does not know, and bodies without the envelope, with 415', () => {
    expect(() => decodeProtobuf(envelope('ConfigMap', []))).toThrow(
      expect.objectContaining({ code: 415 }),
    );
    expect(() => decodeProtobuf(Buffer.from('{}'))).toThrow(expect.objectContaining({ code: 415 }));
  });
});
