import { createHash } from 'node:crypto';

import type { Document, LineCounter } from 'yaml';

import { formatFieldProblem, LbctlError, printable } from '../core/errors.js';
import type { Node, Service } from '../core/k8s.js';
import { decodeNode, decodeService } from './objects.js';
import type { LocatedProblem } from './objects.js';
import { formatPath, rawPath } from './shape.js';
import type { Segment } from './shape.js';
import { readYaml } from './yaml.js';

/** An object read from a file, with where it came from (for error messages and plans). */
export interface Sourced<T> {
  object: T;
  source: { file: string; /** 1-based */ document: number };
}

/** An object (or document) refused, with one line per problem. */
export interface Refused {
  source: { file: string; document: number };
  /** `Service ns/name`, `Node name`, or '' when the document is no object. */
  object: string;
  lines: string[];
}

export interface Manifests {
  services: Sourced<Service>[];
  nodes: Sourced<Node>[];
  /** Things skipped or ignored (other kinds, unknown fields), one line each, never silent. */
  notices: string[];
  /** Objects refused; empty unless read with `keepInvalid` (else they are thrown). */
  invalid: Refused[];
}

export interface ReadOptions {
  /** Return refused objects in `invalid` instead of throwing (`--skip-invalid`). */
  keepInvalid?: boolean;
}

/**
 * Every refusal of a set of manifests at once (Terraform lists every error): one line per
 * problem, each naming the file, the document, the object, the field, the value and what is
 * allowed; lines are joined by newlines and free of control characters.
 */
export class InvalidManifestsError extends LbctlError {
  constructor(readonly refused: readonly Refused[]) {
    super('invalid', [...new Set(refused.flatMap((r) => r.lines))].join('\n'));
    this.name = 'InvalidManifestsError';
  }
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

export const emptyManifests = (): Manifests => ({
  services: [],
  nodes: [],
  notices: [],
  invalid: [],
});

/**
 * Parses the text of one file (YAML, multi-document, or JSON) into Services and Nodes, read as
 * kubectl reads them (./yaml.ts) and decoded, defaulted and validated by ./objects.ts. Pure.
 * Every refused object is reported (a bad document does not hide the next ones); they are
 * thrown together as InvalidManifestsError unless `keepInvalid`.
 */
export function parseManifestText(file: string, text: string, opts: ReadOptions = {}): Manifests {
  const out = emptyManifests();
  const { documents, lines } = readYaml(text);
  documents.forEach(({ value, error, doc }, i) => {
    const ctx: Context = { file, document: i + 1, doc, lines, out };
    if (error !== undefined) {
      refuse(ctx, '', [`${where(ctx, [])}: ${error}`]);
      return;
    }
    if (value === null || value === undefined) return; // an empty document, e.g. a trailing `---`
    readObject(value, [], ctx);
  });
  if (out.invalid.length > 0 && opts.keepInvalid !== true)
    throw new InvalidManifestsError(out.invalid);
  return out;
}

function readObject(obj: unknown, prefix: Segment[], ctx: Context): void {
  const label = objectLabel(obj);
  const at = where(ctx, prefix, label);
  const refuseOne = (field: Segment[], message: string) =>
    refuse(ctx, label, [withLine(ctx, [...prefix, ...field], `${at}: ${message}`)]);
  if (!isMap(obj)) {
    refuseOne(
      [],
      `must be a Kubernetes object (a map with apiVersion and kind), got ${describe(obj)}`,
    );
    return;
  }
  const kind = obj['kind'];
  const apiVersion = obj['apiVersion'];
  if (typeof kind !== 'string' || kind === '') {
    refuseOne([], formatFieldProblem({ type: 'Required', field: 'kind', detail: '' }));
    return;
  }
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    refuseOne([], formatFieldProblem({ type: 'Required', field: 'apiVersion', detail: '' }));
    return;
  }
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(obj['items']))) {
    readList(obj, prefix, ctx, at);
    return;
  }
  if (kind !== 'Service' && kind !== 'Node') {
    ctx.out.notices.push(
      printable(`${at}: skipped ${kind} (lbctl reads only Service and Node objects)`),
    );
    return;
  }
  if (apiVersion !== 'v1') {
    refuseOne(
      ['apiVersion'],
      formatFieldProblem({
        type: 'Unsupported',
        field: 'apiVersion',
        value: apiVersion,
        detail: 'supported values: "v1"',
      }),
    );
    return;
  }
  const result = kind === 'Service' ? decodeService(obj) : decodeNode(obj);
  for (const field of result.unknown)
    ctx.out.notices.push(printable(`${at}: ignored unknown field ${field}`));
  if (result.object === undefined) {
    refuse(
      ctx,
      label,
      result.problems.map((p) => problemLine(ctx, prefix, at, p)),
    );
    return;
  }
  if (!result.object.metadata.name) {
    const problem = {
      type: 'Required' as const,
      field: 'metadata.name',
      detail: 'a plan from files needs a name (only an API server turns generateName into one)',
    };
    refuseOne(['metadata'], formatFieldProblem(problem));
    return;
  }
  const source = { file: ctx.file, document: ctx.document };
  if (kind === 'Service') {
    const svc = result.object as Service;
    if (!svc.metadata.uid) {
      svc.metadata.uid = derivedUid(svc.metadata.namespace ?? 'default', svc.metadata.name);
      ctx.out.notices.push(
        printable(
          `${at}: no metadata.uid; using ${svc.metadata.uid}, derived from namespace and name`,
        ),
      );
    }
    ctx.out.services.push({ object: svc, source });
  } else {
    ctx.out.nodes.push({ object: result.object as Node, source });
  }
}

function readList(obj: Record<string, unknown>, prefix: Segment[], ctx: Context, at: string): void {
  if (prefix.length > 0) {
    refuse(ctx, '', [withLine(ctx, prefix, `${at}: a List may not contain another List`)]);
    return;
  }
  const items = obj['items'] ?? [];
  if (!Array.isArray(items)) {
    const problem = formatFieldProblem({
      type: 'Invalid',
      field: 'items',
      value: describe(items),
      detail: 'must be a list',
    });
    refuse(ctx, '', [withLine(ctx, ['items'], `${at}: ${problem}`)]);
    return;
  }
  items.forEach((item, i) => readObject(item, ['items', i], ctx));
}

function refuse(ctx: Context, object: string, lines: string[]): void {
  ctx.out.invalid.push({
    source: { file: ctx.file, document: ctx.document },
    object,
    lines: lines.map(printable),
  });
}

function problemLine(ctx: Context, prefix: Segment[], at: string, p: LocatedProblem): string {
  return withLine(ctx, [...prefix, ...p.at], `${at}: ${formatFieldProblem(p.problem)}`);
}

/** Names longer than this are cut in the object label; validation reports them in full. */
const MAX_LABEL_NAME = 80;
const cut = (s: string): string =>
  s.length > MAX_LABEL_NAME ? `${s.slice(0, MAX_LABEL_NAME)}…` : s;

/** `Service ns/name`, `Node name`, `Deployment ns/name`, or the kind alone. */
function objectLabel(obj: unknown): string {
  if (!isMap(obj) || typeof obj['kind'] !== 'string') return '';
  const kind = cut(obj['kind']);
  const meta = isMap(obj['metadata']) ? obj['metadata'] : {};
  const name =
    typeof meta['name'] === 'string' && meta['name'] !== '' ? cut(meta['name']) : undefined;
  if (name === undefined) return kind;
  if (kind === 'Node') return `Node ${name}`;
  const ns =
    typeof meta['namespace'] === 'string' && meta['namespace'] !== ''
      ? cut(meta['namespace'])
      : 'default';
  return `${kind} ${ns}/${name}`;
}

/** `file, document N[, items[i]] (Kind namespace/name)` */
function where(ctx: Context, prefix: Segment[], label = ''): string {
  let at = `${ctx.file}, document ${ctx.document}`;
  if (prefix.length > 0) at += `, ${formatPath(prefix)}`;
  return label === '' ? at : `${at} (${label})`;
}

function withLine(ctx: Context, path: Segment[], message: string): string {
  const n = lineOf(ctx, rawPath(path));
  return n === undefined ? message : `${message} (line ${n})`;
}

/** The line of the deepest node along `path` that exists in the document. */
function lineOf(ctx: Context, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    let node: { range?: [number, number, number] } | null | undefined;
    try {
      node = (n === 0 ? ctx.doc.contents : ctx.doc.getIn(path.slice(0, n), true)) as typeof node;
    } catch {
      node = undefined; // a path through an alias or a scalar: try a shorter one
    }
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
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${String(v)}`;
}
