import { createHash } from 'node:crypto';

import { LineCounter, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';

import { formatFieldProblem, LbctlError } from '../core/errors.js';
import type { FieldProblem } from '../core/errors.js';
import type { Node, Service } from '../core/k8s.js';
import { checkShape, formatPath, rawPath } from './shape.js';
import type { Segment } from './shape.js';

/** An object read from a file, with where it came from (for error messages and plans). */
export interface Sourced<T> {
  object: T;
  source: { file: string; /** 1-based */ document: number };
}

export interface Manifests {
  services: Sourced<Service>[];
  nodes: Sourced<Node>[];
  /** Things skipped or ignored (other kinds, unknown fields), one line each, never silent. */
  notices: string[];
}

interface Context {
  file: string;
  document: number;
  doc: Document;
  lines: LineCounter;
  out: Manifests;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses the text of one file (YAML, multi-document, or JSON) into Services and Nodes. Pure.
 * YAML is read as YAML 1.1, as kubectl does (sigs.k8s.io/yaml), so `yes` and `on` are booleans
 * there and here alike. Throws LbctlError `invalid` with a one-line message naming the file,
 * the document (1-based), the object and the field path, and the line when known.
 */
export function parseManifestText(file: string, text: string): Manifests {
  const out: Manifests = { services: [], nodes: [], notices: [] };
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, version: '1.1' });
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, i) => {
    const document = i + 1;
    const error = doc.errors[0];
    if (error !== undefined) {
      const pos = lines.linePos(error.pos[0]);
      throw new LbctlError(
        'invalid',
        `${file}, document ${document}: invalid YAML: ${error.message.replace(/\s+/g, ' ')} (line ${pos.line}, column ${pos.col})`,
        {
          cause: error,
        },
      );
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) return; // an empty document, e.g. a trailing `---`
    readObject(value, [], { file, document, doc, lines, out });
  });
  return out;
}

function readObject(obj: unknown, prefix: Segment[], ctx: Context): void {
  const where = location(ctx, prefix, obj);
  if (!isMap(obj)) {
    fail(
      ctx,
      prefix,
      [],
      `${where}: must be a Kubernetes object (a map with apiVersion and kind), got ${describe(obj)}`,
    );
  }
  const kind = obj['kind'];
  const apiVersion = obj['apiVersion'];
  if (typeof kind !== 'string' || kind === '') {
    fail(
      ctx,
      prefix,
      [],
      `${where}: ${formatFieldProblem({ type: 'Required', field: 'kind', detail: '' })}`,
    );
  }
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    fail(
      ctx,
      prefix,
      [],
      `${where}: ${formatFieldProblem({ type: 'Required', field: 'apiVersion', detail: '' })}`,
    );
  }
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(obj['items']))) {
    readList(obj, prefix, ctx, where);
    return;
  }
  if (kind !== 'Service' && kind !== 'Node') {
    ctx.out.notices.push(`${where}: skipped ${kind} (lbctl reads only Service and Node objects)`);
    return;
  }
  if (apiVersion !== 'v1') {
    const problem: FieldProblem = {
      type: 'Unsupported',
      field: 'apiVersion',
      value: apiVersion,
      detail: 'supported values: "v1"',
    };
    fail(ctx, prefix, ['apiVersion'], `${where}: ${formatFieldProblem(problem)}`);
  }
  const report = checkShape(kind, obj);
  if (report.problem !== undefined) {
    fail(ctx, prefix, report.problem.at, `${where}: ${formatFieldProblem(report.problem.problem)}`);
  }
  for (const field of report.unknown)
    ctx.out.notices.push(`${where}: ignored unknown field ${field}`);
  const source = { file: ctx.file, document: ctx.document };
  if (kind === 'Service') {
    const svc = obj as unknown as Service;
    svc.metadata.namespace ??= 'default';
    svc.spec ??= {};
    if (!svc.metadata.uid) {
      svc.metadata.uid = derivedUid(svc.metadata.namespace, svc.metadata.name);
      ctx.out.notices.push(
        `${where}: no metadata.uid; using ${svc.metadata.uid}, derived from namespace and name`,
      );
    }
    ctx.out.services.push({ object: svc, source });
  } else {
    const node = obj as unknown as Node;
    delete node.metadata.namespace; // Nodes are cluster-scoped
    ctx.out.nodes.push({ object: node, source });
  }
}

function readList(
  obj: Record<string, unknown>,
  prefix: Segment[],
  ctx: Context,
  where: string,
): void {
  if (prefix.length > 0) fail(ctx, prefix, [], `${where}: a List may not contain another List`);
  const items = obj['items'] ?? [];
  if (!Array.isArray(items)) {
    fail(
      ctx,
      prefix,
      ['items'],
      `${where}: ${formatFieldProblem({ type: 'Invalid', field: 'items', value: items, detail: 'must be a list' })}`,
    );
  }
  items.forEach((item, i) => readObject(item, ['items', i], ctx));
}

/** `file, document N[, items[i]] (Kind namespace/name)` */
function location(ctx: Context, prefix: Segment[], obj: unknown): string {
  let where = `${ctx.file}, document ${ctx.document}`;
  if (prefix.length > 0) where += `, ${formatPath(prefix)}`;
  if (!isMap(obj) || typeof obj['kind'] !== 'string') return where;
  const meta = isMap(obj['metadata']) ? obj['metadata'] : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : undefined;
  if (name === undefined) return `${where} (${obj['kind']})`;
  if (obj['kind'] === 'Node') return `${where} (Node ${name})`;
  const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : 'default';
  return `${where} (${obj['kind']} ${ns}/${name})`;
}

function fail(ctx: Context, prefix: Segment[], at: Segment[], message: string): never {
  const line = lineOf(ctx, rawPath([...prefix, ...at]));
  throw new LbctlError('invalid', line === undefined ? message : `${message} (line ${line})`);
}

/** The line of the deepest node along `path` that exists in the document. */
function lineOf(ctx: Context, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? ctx.doc.contents : ctx.doc.getIn(path.slice(0, n), true)) as {
      range?: [number, number, number];
    } | null;
    if (node?.range !== undefined) return ctx.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Cloud resources are named and tagged after the Service's UID; hand-written files rarely have
 * one. A UUID derived from namespace and name (SHA-1 based, like RFC 4122 version 5) keeps
 * plans of such files stable from run to run; a real cluster's UID replaces it later.
 */
export function derivedUid(namespace: string, name: string): string {
  const h = createHash('sha1').update(`lbctl.io/service/${namespace}/${name}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}
