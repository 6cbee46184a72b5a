import { ApiError } from './errors.js';
import type { Json, JsonObject } from './json.js';

/**
 * Reads the Kubernetes protobuf encoding for the kinds kubectl's typed clients send that
 * way (`kubectl create namespace`, `kubectl create service ...`, `kubectl create role ...`):
 * the `k8s\0` envelope (runtime.Unknown) around the message, with the field numbers of
 * k8s.io/api's generated.proto (core/v1, rbac/v1, authorization/v1, authentication/v1). Answers are always JSON, which those clients accept.
 */
type Field =
  | {
      name: string;
      t: 'string' | 'int' | 'bool' | 'time' | 'int-or-string';
      repeated?: boolean;
      /** A pointer field in Go: false or "" is a value, not "unset". */
      keepZero?: boolean;
    }
  | { name: string; t: 'map' }
  | { name: string; t: 'message'; of: Message; repeated?: boolean };
type Message = Record<number, Field>;

const str = (name: string, repeated = false): Field => ({ name, t: 'string', repeated });
const int = (name: string): Field => ({ name, t: 'int' });
const msg = (name: string, of: Message, repeated = false): Field => ({
  name,
  t: 'message',
  of,
  repeated,
});

const objectMeta: Message = {
  1: str('name'),
  2: str('generateName'),
  3: str('namespace'),
  5: str('uid'),
  6: str('resourceVersion'),
  7: int('generation'),
  8: { name: 'creationTimestamp', t: 'time' },
  11: { name: 'labels', t: 'map' },
  12: { name: 'annotations', t: 'map' },
  14: str('finalizers', true),
};

const servicePort: Message = {
  1: str('name'),
  2: str('protocol'),
  3: int('port'),
  4: { name: 'targetPort', t: 'int-or-string' },
  5: int('nodePort'),
  6: str('appProtocol'),
};

const serviceSpec: Message = {
  1: msg('ports', servicePort, true),
  2: { name: 'selector', t: 'map' },
  3: str('clusterIP'),
  4: str('type'),
  5: str('externalIPs', true),
  7: str('sessionAffinity'),
  8: str('loadBalancerIP'),
  9: str('loadBalancerSourceRanges', true),
  10: str('externalName'),
  11: str('externalTrafficPolicy'),
  12: int('healthCheckNodePort'),
  13: { name: 'publishNotReadyAddresses', t: 'bool' },
  14: msg('sessionAffinityConfig', { 1: msg('clientIP', { 1: int('timeoutSeconds') }) }),
  17: str('ipFamilyPolicy'),
  18: str('clusterIPs', true),
  19: str('ipFamilies', true),
  20: { name: 'allocateLoadBalancerNodePorts', t: 'bool', keepZero: true },
  21: str('loadBalancerClass'),
  22: str('internalTrafficPolicy'),
  23: str('trafficDistribution'),
};

// rbac/v1 generated.proto: what `kubectl create role|clusterrole|rolebinding|clusterrolebinding` send.
const policyRule: Message = {
  1: str('verbs', true),
  2: str('apiGroups', true),
  3: str('resources', true),
  4: str('resourceNames', true),
  5: str('nonResourceURLs', true),
};
const role: Message = { 1: msg('metadata', objectMeta), 2: msg('rules', policyRule, true) };
const binding: Message = {
  1: msg('metadata', objectMeta),
  2: msg(
    'subjects',
    { 1: str('kind'), 2: str('apiGroup'), 3: str('name'), 4: str('namespace') },
    true,
  ),
  3: msg('roleRef', { 1: str('apiGroup'), 2: str('kind'), 3: str('name') }),
};

const KINDS: Record<string, Message> = {
  Role: role,
  ClusterRole: role,
  RoleBinding: binding,
  ClusterRoleBinding: binding,
  Service: { 1: msg('metadata', objectMeta), 2: msg('spec', serviceSpec) },
  Namespace: { 1: msg('metadata', objectMeta), 2: msg('spec', { 1: str('finalizers', true) }) },
  // authorization/v1 generated.proto: what `kubectl auth can-i` asks.
  SelfSubjectAccessReview: {
    1: msg('metadata', objectMeta),
    2: msg('spec', {
      1: msg('resourceAttributes', {
        1: str('namespace'),
        2: str('verb'),
        3: str('group'),
        4: str('version'),
        5: str('resource'),
        6: str('subresource'),
        7: str('name'),
      }),
      2: msg('nonResourceAttributes', { 1: str('path'), 2: str('verb') }),
    }),
  },
  // authentication/v1: `kubectl create token` (spec.audiences, spec.expirationSeconds).
  TokenRequest: {
    1: msg('metadata', objectMeta),
    2: msg('spec', { 1: str('audiences', true), 4: int('expirationSeconds') }),
  },
  DeleteOptions: {
    1: int('gracePeriodSeconds'),
    2: msg('preconditions', { 1: str('uid'), 2: str('resourceVersion') }),
    3: { name: 'orphanDependents', t: 'bool' },
    4: str('propagationPolicy'),
    5: str('dryRun', true),
  },
};

const unsupported = (why: string): ApiError =>
  new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${why}) - accepted media types include: application/json, application/yaml`,
  );

/** Decodes a `application/vnd.kubernetes.protobuf` body into the object's JSON form. */
export function decodeProtobuf(buf: Buffer): JsonObject {
  if (buf.length < 4 || buf.subarray(0, 4).toString('latin1') !== 'k8s\u0000')
    throw unsupported('no k8s protobuf envelope');
  const unknown = decode(
    buf.subarray(4),
    {
      1: msg('typeMeta', { 1: str('apiVersion'), 2: str('kind') }),
      2: { name: 'raw', t: 'string' },
    },
    true,
  );
  const typeMeta = (unknown['typeMeta'] ?? {}) as JsonObject;
  const kind = String(typeMeta['kind'] ?? '');
  const schema = KINDS[kind];
  const raw = rawBytes.get(unknown);
  if (schema === undefined || raw === undefined)
    throw unsupported(`protobuf for kind "${kind}" is not supported`);
  return { apiVersion: typeMeta['apiVersion'] ?? 'v1', kind, ...decode(raw, schema) };
}

// The envelope's raw field holds bytes, not text: kept aside while decoding it.
const rawBytes = new WeakMap<JsonObject, Buffer>();

function decode(buf: Buffer, schema: Message, envelope = false): JsonObject {
  const out: JsonObject = {};
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = buf[pos++];
      if (b === undefined) throw unsupported('truncated protobuf');
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const wire = key % 8;
    const field = schema[Math.floor(key / 8)];
    let value: Json | undefined;
    if (wire === 0) {
      const n = varint();
      if (field?.t === 'bool') value = n !== 0;
      // Negative ints are 10-byte two's complement varints (>= 2^63).
      else value = n >= 2 ** 63 ? n - 2 ** 64 : n;
    } else if (wire === 2) {
      const len = varint();
      const bytes = buf.subarray(pos, pos + len);
      pos += len;
      if (envelope && field?.name === 'raw') {
        rawBytes.set(out, Buffer.from(bytes));
        continue;
      }
      value = field === undefined ? undefined : lengthDelimited(bytes, field, out);
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw unsupported(`protobuf wire type ${wire}`);
    if (field === undefined || value === undefined) continue;
    // Go writes non-pointer fields even when empty; JSON would have omitted them. An item of a
    // list is a value even when empty (`apiGroups: [""]` is the core group).
    const repeated = 'repeated' in field && field.repeated === true;
    const zero = value === '' || value === 0 || value === false;
    if (
      zero &&
      !repeated &&
      !('keepZero' in field && field.keepZero === true) &&
      field.t !== 'int-or-string'
    )
      continue;
    if (repeated) {
      const list = (out[field.name] ??= []) as Json[];
      list.push(value);
    } else if (field.t !== 'map') out[field.name] = value;
  }
  return out;
}

function lengthDelimited(bytes: Buffer, field: Field, out: JsonObject): Json | undefined {
  switch (field.t) {
    case 'string':
      return bytes.toString('utf8');
    case 'message':
      return decode(bytes, field.of);
    case 'time': {
      const t = decode(bytes, { 1: int('seconds') });
      if (t['seconds'] === undefined) return undefined;
      return new Date(Number(t['seconds'] ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'int-or-string': {
      const v = decode(bytes, { 1: int('type'), 2: int('intVal'), 3: str('strVal') });
      return v['type'] === 1 ? (v['strVal'] ?? '') : (v['intVal'] ?? 0);
    }
    case 'map': {
      const entry = decode(bytes, { 1: str('key'), 2: str('value') });
      const map = (out[field.name] ??= {}) as JsonObject;
      map[String(entry['key'] ?? '')] = entry['value'] ?? '';
      return undefined;
    }
    default:
      return undefined;
  }
}
