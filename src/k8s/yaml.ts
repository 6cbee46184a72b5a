/**
 * YAML read the way kubectl reads it (sigs.k8s.io/yaml over go-yaml v2, to JSON), not the way a
 * JavaScript YAML library does: plain scalars resolve as go-yaml v2 resolves them into
 * interface{} (`yes`/`on` are booleans, `010` is octal, `1_000` is 1000; `e5`, `1:30` and
 * `2024-01-01` stay strings; `.inf`/`.nan` have no JSON form and are refused), quoted scalars
 * are strings, map keys become strings, `<<` merge keys merge. Limits refuse instead of
 * overflowing: nesting depth, values produced through aliases, and document size. Pure.
 */
import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser } from 'yaml';
import type { Alias, CST, Document, Node as YamlNode } from 'yaml';

import { setOwn } from './shape.js';

/** kube-apiserver's request body limit (3 MiB): an object larger than this cannot be created. */
export const MAX_DOCUMENT_BYTES = 3 * 1024 * 1024;
/** Deeper YAML is refused (a Service or Node is at most 7 levels deep). */
export const MAX_YAML_DEPTH = 100;
/** Values one document may produce, aliases expanded: stops alias bombs ("billion laughs"). */
export const MAX_VALUES = 1_000_000;

export interface YamlDocument {
  /** The JSON value; undefined for an empty document or when `error` is set. */
  value: unknown;
  error?: string;
  doc: Document;
}

export interface YamlFile {
  documents: YamlDocument[];
  lines: LineCounter;
}

class Refusal extends Error {
  constructor(
    message: string,
    readonly node?: YamlNode,
  ) {
    super(message);
  }
}

const line = (lines: LineCounter, offset: number): string => {
  const pos = lines.linePos(offset);
  return `line ${pos.line}, column ${pos.col}`;
};

/**
 * Reads every document of `text`. A document nested deeper than MAX_YAML_DEPTH is refused before
 * it is composed: the yaml library composes recursively and, for deeper input, runs the stack
 * out and catches the RangeError; the code that then runs with the stack still nearly full
 * compiles a regular expression (its plain-scalar `/(.*?)\r?\n/sy`), and V8 compiling a
 * regular expression with no stack left aborts the process ("FATAL ERROR: RegExpCompiler
 * Allocation failed - process out of memory"), which no catch can stop.
 */
export function readYaml(text: string): YamlFile {
  const lines = new LineCounter();
  // Lexer and parser keep their own stacks: the CST of any nesting is built without recursion.
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  // Composing yields one Document per document token, in order.
  const deepAt: (number | undefined)[] = [];
  const composable = tokens.map((token) => {
    if (token.type !== 'document') return token;
    const at = tooDeep(token);
    deepAt.push(at);
    if (at === undefined) return token;
    const { value: _refused, ...empty } = token;
    return empty;
  });
  const composer = new Composer({
    prettyErrors: false,
    schema: 'failsafe', // scalars are resolved below, as go-yaml v2 does
    uniqueKeys: true,
  });
  const list = Array.from(composer.compose(composable));
  const documents = list.map((doc, i): YamlDocument => {
    const at = deepAt[i];
    if (at !== undefined) {
      return {
        value: undefined,
        error: `invalid YAML: nesting deeper than ${MAX_YAML_DEPTH} levels is refused (${line(lines, at)})`,
        doc,
      };
    }
    const error = doc.errors[0];
    if (error !== undefined) {
      return {
        value: undefined,
        error: `invalid YAML: ${error.message.replace(/\s+/g, ' ')} (${line(lines, error.pos[0])})`,
        doc,
      };
    }
    const range = doc.range;
    if (range[1] - range[0] > MAX_DOCUMENT_BYTES) {
      return {
        value: undefined,
        error: `too large: ${range[1] - range[0]} bytes; the API server accepts at most ${MAX_DOCUMENT_BYTES}`,
        doc,
      };
    }
    try {
      const budget = { left: MAX_VALUES, resolving: new Set<YamlNode>() };
      return { value: toJson(doc.contents, doc, 0, budget), doc };
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      const at = e.node?.range?.[0];
      return {
        value: undefined,
        error: `invalid YAML: ${e.message}${at === undefined ? '' : ` (${line(lines, at)})`}`,
        doc,
      };
    }
  });
  return { documents, lines };
}

/**
 * The offset of the first collection in a CST document nested deeper than MAX_YAML_DEPTH (the
 * document's content is level 0, as in `toJson`), walked with an explicit stack: a recursive
 * walk would be what this avoids.
 */
function tooDeep(doc: CST.Document): number | undefined {
  const todo: [CST.Token | null | undefined, number][] = [[doc.value, 0]];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    const [token, depth] = next;
    if (
      token?.type !== 'block-map' &&
      token?.type !== 'block-seq' &&
      token?.type !== 'flow-collection'
    )
      continue;
    if (depth > MAX_YAML_DEPTH) return token.offset;
    // Pushed last to first, so that the first too-deep node in the text is the one reported.
    for (let i = token.items.length - 1; i >= 0; i--) {
      const item = token.items[i];
      todo.push([item?.value, depth + 1], [item?.key, depth + 1]);
    }
  }
  return undefined;
}

interface Budget {
  left: number;
  resolving: Set<YamlNode>;
}

function toJson(node: unknown, doc: Document, depth: number, budget: Budget): unknown {
  if (node === null || node === undefined) return null;
  if (--budget.left < 0)
    throw new Refusal(
      `expands to more than ${MAX_VALUES} values (aliases); refused`,
      node as YamlNode,
    );
  if (depth > MAX_YAML_DEPTH)
    throw new Refusal(`nesting deeper than ${MAX_YAML_DEPTH} levels is refused`, node as YamlNode);
  if (isAlias(node)) return resolveAlias(node, doc, depth, budget);
  if (isScalar(node)) return scalar(node.value, node.type, node.tag, node as YamlNode);
  if (isSeq(node)) return node.items.map((item) => toJson(item, doc, depth + 1, budget));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const explicit = new Set<string>();
    const merges: unknown[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.value === '<<' && !keyNode.tag) {
        merges.push(toJson(pair.value, doc, depth + 1, budget));
        continue;
      }
      const key = keyString(toJson(keyNode, doc, depth + 1, budget), keyNode);
      explicit.add(key);
      setOwn(out, key, toJson(pair.value, doc, depth + 1, budget));
    }
    for (const merged of merges) mergeInto(out, explicit, merged, node as YamlNode);
    return out;
  }
  throw new Refusal('unsupported YAML node', node as YamlNode);
}

function resolveAlias(node: Alias, doc: Document, depth: number, budget: Budget): unknown {
  const target = node.resolve(doc) as YamlNode | undefined;
  if (target === undefined) throw new Refusal(`unknown anchor "${node.source}"`, node as YamlNode);
  if (budget.resolving.has(target))
    throw new Refusal(`anchor "${node.source}" refers to itself`, node as YamlNode);
  budget.resolving.add(target);
  try {
    return toJson(target, doc, depth, budget);
  } finally {
    budget.resolving.delete(target);
  }
}

/** A merge key's value: a map, or a list of maps; explicit keys win (YAML merge key spec). */
function mergeInto(
  out: Record<string, unknown>,
  explicit: Set<string>,
  merged: unknown,
  node: YamlNode,
): void {
  const maps = Array.isArray(merged) ? merged : [merged];
  for (const m of maps) {
    if (typeof m !== 'object' || m === null || Array.isArray(m))
      throw new Refusal('map merge requires a map or a list of maps as the value', node);
    for (const [k, v] of Object.entries(m))
      if (!explicit.has(k) && !Object.hasOwn(out, k)) setOwn(out, k, v);
  }
}

/** sigs.k8s.io/yaml turns resolved keys into JSON strings: `true`, `1`, `null`. */
function keyString(key: unknown, node: YamlNode | null): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  if (key === null) return 'null';
  throw new Refusal('a map key must be a scalar', node ?? undefined);
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const SPECIAL_FLOATS = /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/;
const INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml v2's yamlStyleFloat. */
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function scalar(
  value: unknown,
  type: string | undefined,
  tag: string | undefined,
  node: YamlNode,
): unknown {
  const text = String(value);
  if (tag === 'tag:yaml.org,2002:str') return text;
  if (tag !== undefined && !tag.startsWith('tag:yaml.org,2002:'))
    throw new Refusal(`unsupported YAML tag ${tag}`, node);
  if (type !== 'PLAIN' && tag === undefined) return text;
  if (NULLS.has(text)) return null;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  if (SPECIAL_FLOATS.test(text))
    throw new Refusal(
      `${text} has no JSON form (kubectl refuses it too); quote it for a string`,
      node,
    );
  const plain = text.replace(/_/g, '');
  if (INT.test(plain)) return parseInteger(plain);
  if (FLOAT.test(plain)) {
    const n = Number(plain);
    if (!Number.isFinite(n)) throw new Refusal(`${text} is out of the range of a number`, node);
    return n;
  }
  return text;
}

/** strconv.ParseInt(s, 0, 64): a leading 0 means octal. Beyond 64 bits it is a float, as in go-yaml. */
function parseInteger(s: string): number {
  const negative = s.startsWith('-');
  const digits = s.replace(/^[-+]/, '');
  let big: bigint;
  if (/^0[oO]/.test(digits)) big = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) big = BigInt(`0o${digits.slice(1)}`);
  else big = BigInt(digits);
  return Number(negative ? -big : big);
}
