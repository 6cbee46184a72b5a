/**
 * Structural checks of the Service and Node objects lbctl reads from files: the JSON types of
 * the fields it uses, as the API server's decoder would refuse them. Semantic checks (port
 * ranges, protocols, CIDRs) belong to src/layers and src/intent.
 */
import type { FieldProblem } from '../core/errors.js';

/** A field name, a list index, or a map key (printed in brackets: `metadata.annotations[a/b]`). */
export type Segment = string | number | { key: string };

type Shape =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'intOrString'
  | 'stringMap'
  | 'any'
  | { object: Record<string, Shape> }
  | { list: Shape };

const strings: Shape = { list: 'string' };

const META: Shape = {
  object: {
    name: 'string',
    generateName: 'string',
    namespace: 'string',
    uid: 'string',
    resourceVersion: 'string',
    generation: 'integer',
    creationTimestamp: 'string',
    deletionTimestamp: 'string',
    deletionGracePeriodSeconds: 'integer',
    labels: 'stringMap',
    annotations: 'stringMap',
    finalizers: strings,
    ownerReferences: 'any',
    managedFields: 'any',
    selfLink: 'string',
  },
};

const SERVICE_PORT: Shape = {
  object: {
    name: 'string',
    protocol: 'string',
    appProtocol: 'string',
    port: 'integer',
    targetPort: 'intOrString',
    nodePort: 'integer',
  },
};

const SERVICE: Shape = {
  object: {
    apiVersion: 'string',
    kind: 'string',
    metadata: META,
    spec: {
      object: {
        type: 'string',
        ports: { list: SERVICE_PORT },
        selector: 'stringMap',
        clusterIP: 'string',
        clusterIPs: strings,
        externalName: 'string',
        externalIPs: strings,
        externalTrafficPolicy: 'string',
        internalTrafficPolicy: 'string',
        healthCheckNodePort: 'integer',
        loadBalancerIP: 'string',
        loadBalancerSourceRanges: strings,
        loadBalancerClass: 'string',
        allocateLoadBalancerNodePorts: 'boolean',
        sessionAffinity: 'string',
        sessionAffinityConfig: { object: { clientIP: { object: { timeoutSeconds: 'integer' } } } },
        ipFamilies: strings,
        ipFamilyPolicy: 'string',
        publishNotReadyAddresses: 'boolean',
        trafficDistribution: 'string',
      },
    },
    status: 'any',
  },
};

const NODE: Shape = {
  object: {
    apiVersion: 'string',
    kind: 'string',
    metadata: META,
    spec: {
      object: {
        providerID: 'string',
        podCIDR: 'string',
        podCIDRs: strings,
        unschedulable: 'boolean',
        taints: {
          list: {
            object: { key: 'string', value: 'string', effect: 'string', timeAdded: 'string' },
          },
        },
        configSource: 'any',
        externalID: 'string',
      },
    },
    status: {
      object: {
        addresses: { list: { object: { type: 'string', address: 'string' } } },
        conditions: { list: 'any' },
        capacity: 'any',
        allocatable: 'any',
        nodeInfo: 'any',
        daemonEndpoints: 'any',
        images: 'any',
        volumesInUse: 'any',
        volumesAttached: 'any',
        config: 'any',
        phase: 'string',
        runtimeHandlers: 'any',
        features: 'any',
      },
    },
  },
};

export const SHAPES = { Service: SERVICE, Node: NODE } as const;

export interface ShapeReport {
  /** The first type error, with the path of segments to find its line. */
  problem?: { problem: FieldProblem; at: Segment[] };
  /** Fields lbctl does not know; reported as notices, never silently dropped. */
  unknown: string[];
}

export const formatPath = (at: readonly Segment[]): string =>
  at.reduce<string>((acc, s, i) => {
    if (typeof s === 'number') return `${acc}[${s}]`;
    if (typeof s === 'object') return `${acc}[${s.key}]`;
    return i === 0 ? s : `${acc}.${s}`;
  }, '');

/** The raw keys of a path, to look a node up in a YAML document. */
export const rawPath = (at: readonly Segment[]): (string | number)[] =>
  at.map((s) => (typeof s === 'object' ? s.key : s));

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks `value` against the shape of its kind; stops at the first type error. */
export function checkShape(kind: keyof typeof SHAPES, value: unknown): ShapeReport {
  const report: ShapeReport = { unknown: [] };
  walk(SHAPES[kind], value, [], report);
  if (report.problem === undefined) requireFields(kind, value as Record<string, unknown>, report);
  return report;
}

function fail(report: ShapeReport, at: Segment[], value: unknown, detail: string): false {
  report.problem = { problem: { type: 'Invalid', field: formatPath(at), value, detail }, at };
  return false;
}

function walk(shape: Shape, value: unknown, at: Segment[], report: ShapeReport): boolean {
  if (value === null || value === undefined) return true; // null means unset, as in the API
  switch (shape) {
    case 'any':
      return true;
    case 'string':
      return typeof value === 'string' || fail(report, at, value, 'must be a string');
    case 'integer':
      return (
        (typeof value === 'number' && Number.isInteger(value)) ||
        fail(report, at, value, 'must be an integer')
      );
    case 'boolean':
      return (
        typeof value === 'boolean' || fail(report, at, value, 'must be a boolean (true or false)')
      );
    case 'intOrString':
      return (
        typeof value === 'string' ||
        (typeof value === 'number' && Number.isInteger(value)) ||
        fail(report, at, value, 'must be an integer or a string')
      );
    case 'stringMap':
      if (!isMap(value)) return fail(report, at, value, 'must be a map of strings');
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') {
          return fail(
            report,
            [...at, { key: k }],
            v,
            `must be a string (quote it in YAML: "${String(v)}")`,
          );
        }
      }
      return true;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return fail(report, at, value, 'must be a list');
    return value.every((item, i) => walk(shape.list, item, [...at, i], report));
  }
  if (!isMap(value)) return fail(report, at, value, 'must be a map');
  for (const [k, v] of Object.entries(value)) {
    const child = shape.object[k];
    if (child === undefined) report.unknown.push(formatPath([...at, k]));
    else if (!walk(child, v, [...at, k], report)) return false;
  }
  return true;
}

function requireFields(kind: string, obj: Record<string, unknown>, report: ShapeReport): void {
  const meta = obj['metadata'];
  if (!isMap(meta) || typeof meta['name'] !== 'string' || meta['name'] === '') {
    report.problem = {
      problem: { type: 'Required', field: 'metadata.name', detail: `a ${kind} needs a name` },
      at: ['metadata'],
    };
    return;
  }
  if (kind !== 'Node') return;
  const taints = (obj['spec'] as { taints?: unknown[] } | undefined)?.taints ?? [];
  taints.forEach((t, i) => {
    if (report.problem !== undefined || !isMap(t)) return;
    for (const field of ['key', 'effect']) {
      if (typeof t[field] !== 'string' || t[field] === '') {
        report.problem = {
          problem: { type: 'Required', field: `spec.taints[${i}].${field}`, detail: '' },
          at: ['spec', 'taints', i],
        };
        return;
      }
    }
  });
}
