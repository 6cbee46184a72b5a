import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest } from './errors.js';
import type { Json, JsonObject } from './json.js';
import { decodeProtobuf } from './protobuf.js';
import { readYaml } from '../k8s/yaml.js';

/** The API server's default request body limit. */
const MAX_BODY = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY)
      throw new ApiError(
        413,
        'RequestEntityTooLarge',
        'Request entity too large: limit is 3145728',
      );
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Parses a request body as JSON, YAML or Kubernetes protobuf, by content type; 400 when malformed. */
export function parseBody(body: Buffer, contentType: string): Json {
  if (mediaType(contentType) === 'application/vnd.kubernetes.protobuf') return decodeProtobuf(body);
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty: an object is required');
  try {
    if (/yaml/.test(contentType)) return yamlBody(text);
    return JSON.parse(text) as Json;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw badRequest(`the body of the request could not be decoded: ${why}`);
  }
}

/**
 * A YAML body through lbctl's one YAML reader (src/k8s/yaml.ts): go-yaml's scalars, as
 * kube-apiserver's sigs.k8s.io/yaml, and a nesting limit checked before composing, so a deep body
 * is a 400 and cannot abort the process (see readYaml). The first document is the object.
 */
function yamlBody(text: string): Json {
  const doc = readYaml(text).documents[0];
  if (doc?.error !== undefined) throw new Error(doc.error);
  return (doc?.value ?? null) as Json;
}

/** The media type without parameters, lower case: `application/merge-patch+json`. */
export const mediaType = (header: string | undefined): string =>
  (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** True when the client asks for a `meta.k8s.io/v1` Table (kubectl get's server-side printing). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return (
      params.includes('as=Table') &&
      params.includes('g=meta.k8s.io') &&
      params[0] !== 'application/vnd.kubernetes.protobuf'
    );
  });
}

/** Refuses clients that accept neither JSON nor anything at all we can write (protobuf only). */
export function checkAcceptable(accept: string | undefined): void {
  if (accept === undefined || accept.trim() === '') return;
  const types = accept.split(',').map((p) => mediaType(p));
  const ok = types.some(
    (t) =>
      t === 'application/json' || t === '*/*' || t === 'application/*' || t === 'application/yaml',
  );
  if (!ok) {
    throw new ApiError(
      406,
      'NotAcceptable',
      `only the following media types are accepted: application/json, application/yaml`,
    );
  }
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: JsonObject,
  warnings: readonly string[] = [],
): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length > 0) headers['Warning'] = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

export function sendError(res: ServerResponse, e: ApiError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, e.code, e.toStatus());
}
