import type { ResourceDef } from './resources.js';
import { RESOURCES } from './resources.js';
import type { Schema } from './schema.js';

/**
 * `GET /openapi/v2` as kubectl reads it: the gnostic `openapi_v2.Document` protobuf (kubectl
 * asks for `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and decodes the
 * answer as protobuf whatever it is). Only `definitions` are filled in: one per kind served,
 * with its `x-kubernetes-group-version-kind`, which is what kubectl's client-side validation
 * (used for the items of a `v1` `List`) and its patch-strategy lookups need. Field numbers
 * are those of gnostic's OpenAPIv2.proto.
 */

/** Protobuf wire encoding: varints and length-delimited fields, all this document needs. */
class Writer {
  private readonly parts: Buffer[] = [];

  private varint(n: number): void {
    const bytes: number[] = [];
    let v = n;
    while (v > 0x7f) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
  }

  bytes(field: number, b: Buffer): this {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    this.parts.push(b);
    return this;
  }

  string(field: number, s: string | undefined): this {
    return s === undefined || s === '' ? this : this.bytes(field, Buffer.from(s, 'utf8'));
  }

  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }

  bool(field: number, v: boolean): this {
    this.varint(field << 3);
    this.varint(v ? 1 : 0);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const w = (): Writer => new Writer();

/** NamedAny { name = 1; Any value = 2 { yaml = 2 } }: JSON is YAML, which is how it is read. */
const vendorExtension = (name: string, value: unknown): Writer =>
  w()
    .string(1, name)
    .message(2, w().string(2, JSON.stringify(value)));

const typed = (type: string, format?: string): Writer =>
  w().string(2, format).message(22, w().string(1, type));

/** Schema: format = 2, additional_properties = 21, type = 22, items = 23, properties = 25, vendor_extension = 31. */
function schemaOf(s: Schema): Writer {
  switch (s.t) {
    case 'string':
      return typed('string');
    case 'time':
    case 'microtime':
      return typed('string', 'date-time');
    case 'integer':
      return typed('integer', 'int32');
    case 'number':
      return typed('number', 'double');
    case 'boolean':
      return typed('boolean');
    case 'int-or-string':
      return typed('string', 'int-or-string');
    case 'quantity':
      return w();
    case 'any':
      // No type: an arbitrary value to kubectl's validation.
      return w();
    case 'map':
      return typed('object').message(21, w().message(1, schemaOf(s.values)));
    case 'list': {
      const out = typed('array').message(23, w().message(1, schemaOf(s.items)));
      if (s.merge !== undefined) {
        out.message(31, vendorExtension('x-kubernetes-patch-strategy', 'merge'));
        if (s.merge !== 'set')
          out.message(31, vendorExtension('x-kubernetes-patch-merge-key', s.merge.key));
      }
      return out;
    }
    case 'object': {
      const props = w();
      for (const [name, sub] of Object.entries(s.fields))
        props.message(1, w().string(1, name).message(2, schemaOf(sub)));
      return typed('object').message(25, props);
    }
  }
}

const definitionName = (d: ResourceDef): string => {
  const pkg = d.group === '' ? 'core' : (d.group.split('.')[0] ?? d.group);
  return `io.k8s.api.${pkg}.${d.version}.${d.kind}`;
};

let cached: Buffer | undefined;

/** The whole document, encoded once (the kinds served never change while running). */
export function openapiV2(): Buffer {
  if (cached !== undefined) return cached;
  const definitions = w();
  const seen = new Set<string>();
  for (const d of RESOURCES) {
    const name = definitionName(d);
    if (seen.has(name)) continue;
    seen.add(name);
    const gvk = [{ group: d.group, kind: d.kind, version: d.version }];
    const schema = schemaOf(d.schema).message(
      31,
      vendorExtension('x-kubernetes-group-version-kind', gvk),
    );
    definitions.message(1, w().string(1, name).message(2, schema));
  }
  cached = w()
    .string(1, '2.0')
    .message(2, w().string(1, 'Kubernetes').string(2, 'v1.32.0'))
    .message(8, w())
    .message(9, definitions)
    .finish();
  return cached;
}
