/**
 * Structural decoding of Service and Node objects: the JSON types of every field lbctl reads or
 * passes on, as the API server's decoder would refuse them. Builds a clean copy: explicit nulls
 * are dropped (null means unset), unknown fields are dropped and reported (as the API server
 * warns), and no key can reach a prototype. Semantic checks are in ./validation.
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
  | 'number'
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
        conditions: {
          list: {
            object: {
              type: 'string',
              status: 'string',
              reason: 'string',
              message: 'string',
              lastHeartbeatTime: 'string',
              lastTransitionTime: 'string',
            },
          },
        },
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

/** Deeper values are refused rather than walked (no Service or Node field is deeper than 7). */
export const MAX_DEPTH = 100;

export interface Decoded {
  /** The clean copy; absent when there are problems. */
  value: Record<string, unknown> | undefined;
  /** Every type error, with the path of segments to find its line. */
  problems: { problem: FieldProblem; at: Segment[] }[];
  /** Fields lbctl does not know, dropped (the API server drops them with a warning). */
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

/** Sets an own property, whatever the key (`__proto__` included): never reaches a prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Only `__proto__` assigns a prototype; plain assignment is much faster for every other key.
  if (key !== '__proto__') target[key] = value;
  else
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

/** Checks `value` against the shape of its kind and builds the clean copy; reports every type error. */
export function decodeShape(kind: keyof typeof SHAPES, value: unknown): Decoded {
  const out: Decoded = { value: undefined, problems: [], unknown: [] };
  const copy = walk(SHAPES[kind], value, [], out);
  if (out.problems.length === 0 && isMap(copy)) out.value = copy;
  return out;
}

function fail(out: Decoded, at: Segment[], value: unknown, detail: string): undefined {
  out.problems.push({
    problem: { type: 'Invalid', field: formatPath(at), value: summary(value), detail },
    at,
  });
  return undefined;
}

/** A map or list in a message is named, not printed (it may be huge or deep). */
const summary = (v: unknown): unknown =>
  Array.isArray(v) ? `(a list of ${v.length})` : isMap(v) ? '(a map)' : v;

const isInt32 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;

function walk(shape: Shape, value: unknown, at: Segment[], out: Decoded): unknown {
  if (value === null || value === undefined) return undefined; // null means unset, as in the API
  if (at.length > MAX_DEPTH)
    return fail(out, at, '(deeper)', `nesting deeper than ${MAX_DEPTH} levels is refused`);
  switch (shape) {
    case 'any':
      return copyAny(value, at, out);
    case 'string':
      return typeof value === 'string' ? value : fail(out, at, value, 'must be a string');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? value
        : fail(out, at, value, 'must be a number');
    case 'integer':
      return isInt32(value) ? value : fail(out, at, value, intDetail(value));
    case 'boolean':
      return typeof value === 'boolean'
        ? value
        : fail(out, at, value, 'must be a boolean (true or false)');
    case 'intOrString':
      return typeof value === 'string' || isInt32(value)
        ? value
        : fail(out, at, value, `${intDetail(value)} or a string`);
    case 'stringMap': {
      if (!isMap(value)) return fail(out, at, value, 'must be a map of strings');
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === null) continue;
        if (typeof v !== 'string') {
          const hint =
            typeof v === 'number' || typeof v === 'boolean'
              ? ` (quote it in YAML: "${String(v)}")`
              : '';
          fail(out, [...at, { key: k }], v, `must be a string${hint}`);
        } else setOwn(copy, k, v);
      }
      return copy;
    }
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return fail(out, at, value, 'must be a list');
    // A null item decodes to the item type's zero value, as Go's encoding/json does.
    return value.map((item, i) => walk(shape.list, item ?? zeroOf(shape.list), [...at, i], out));
  }
  if (!isMap(value)) return fail(out, at, value, 'must be a map');
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const child = Object.hasOwn(shape.object, k) ? shape.object[k] : undefined;
    if (child === undefined) {
      out.unknown.push(formatPath([...at, k]));
      continue;
    }
    const decoded = walk(child, v, [...at, k], out);
    if (decoded !== undefined) setOwn(copy, k, decoded);
  }
  return copy;
}

const intDetail = (v: unknown): string =>
  typeof v === 'number' && Number.isInteger(v)
    ? 'must be an integer between -2147483648 and 2147483647 (32 bits)'
    : 'must be an integer';

function zeroOf(shape: Shape): unknown {
  if (shape === 'string' || shape === 'intOrString') return '';
  if (shape === 'integer' || shape === 'number') return 0;
  if (shape === 'boolean') return false;
  if (shape === 'stringMap' || (typeof shape === 'object' && 'object' in shape)) return {};
  if (typeof shape === 'object' && 'list' in shape) return [];
  return null;
}

/** Fields lbctl passes on without reading: copied as plain JSON, depth-limited. */
function copyAny(value: unknown, at: Segment[], out: Decoded): unknown {
  if (at.length > MAX_DEPTH)
    return fail(out, at, '(deeper)', `nesting deeper than ${MAX_DEPTH} levels is refused`);
  if (Array.isArray(value)) return value.map((v, i) => copyAny(v, [...at, i], out));
  if (isMap(value)) {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(copy, k, copyAny(v, [...at, k], out));
    return copy;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    return fail(out, at, String(value), 'must be a finite number');
  return value;
}
