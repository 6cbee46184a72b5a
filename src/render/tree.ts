import type { Value } from '../core/resource.js';
import type { Style, Symbol } from './style.js';
import { paintSymbol } from './style.js';
import { byString, formatInline, formatKey, isBlockValue } from './values.js';

/** One line-producing element of a resource body, before alignment and indentation. */
export type Entry =
  | { kind: 'attr'; sym: Symbol; key: string; value: string; comment?: string }
  | {
      kind: 'block';
      sym: Symbol;
      key: string;
      open: '{' | '[';
      body: Entry[];
      close: string;
      comment?: string;
    }
  | { kind: 'item'; sym: Symbol; value: string }
  | { kind: 'note'; text: string };

export const KNOWN_AFTER_APPLY = '(known after apply)';

/** How a whole value is shown. */
export interface ValueLook {
  /** One symbol for every line: create `+`, destroy `-`. */
  sym: Symbol;
  /** Appended to top-level values only: Terraform's ` -> null` on a destroy. */
  closeSuffix: string;
  /** The keys whose value the cloud computes, mapped to their own nested unknown keys (`true` for a leaf). */
  unknown?: UnknownTree | undefined;
}

/** Entries that show a whole object value, one per key, sorted. */
export function valueEntries(obj: { [key: string]: Value }, look: ValueLook): Entry[] {
  const { sym, closeSuffix, unknown = {} } = look;
  const keys = [...new Set([...Object.keys(obj), ...Object.keys(unknown)])].sort(byString);
  const out: Entry[] = [];
  for (const key of keys) {
    const v = obj[key];
    const u = unknown[key];
    if (u === true && (v === undefined || v === null)) {
      out.push({ kind: 'attr', sym, key: formatKey(key), value: KNOWN_AFTER_APPLY });
    } else if (v !== undefined) {
      out.push(
        valueEntry(formatKey(key), v, { sym, closeSuffix, unknown: u === true ? undefined : u }),
      );
    }
  }
  return out;
}

/** The entry for one key's value: an inline attribute, or a block for a non-empty object or list. */
export function valueEntry(key: string, v: Value, look: ValueLook): Entry {
  const { sym, closeSuffix, unknown } = look;
  if (!isBlockValue(v) || v === null || typeof v !== 'object') {
    return { kind: 'attr', sym, key, value: `${formatInline(v)}${closeSuffix}` };
  }
  if (Array.isArray(v)) {
    return {
      kind: 'block',
      sym,
      key,
      open: '[',
      body: v.map((x) => ({ kind: 'item', sym, value: `${formatInline(x)},` })),
      close: `]${closeSuffix}`,
    };
  }
  return {
    kind: 'block',
    sym,
    key,
    open: '{',
    body: valueEntries(v, { sym, closeSuffix: '', unknown }),
    close: `}${closeSuffix}`,
  };
}

/** Computed paths as a tree: `{ arn: true, health: { status: true } }`. */
export type UnknownTree = { [key: string]: UnknownTree | true };

export function unknownTree(paths: readonly string[]): UnknownTree {
  const root: UnknownTree = {};
  for (const path of paths) {
    const segs = path.split('.');
    let node = root;
    segs.forEach((seg, i) => {
      if (i === segs.length - 1) {
        node[seg] = true;
        return;
      }
      const next = node[seg];
      if (next === true) return;
      node = next ?? (node[seg] = {});
    });
  }
  return root;
}

/** Renders entries at a nesting depth (0 = directly inside `resource "t" "n" {`). */
export function emit(entries: readonly Entry[], depth: number, style: Style, out: string[]): void {
  const symCol = ' '.repeat(6 + 4 * depth);
  const plainCol = ' '.repeat(8 + 4 * depth);
  const width = Math.max(
    0,
    ...entries.map((e) => (e.kind === 'attr' || e.kind === 'block' ? e.key.length : 0)),
  );
  // The only comment is Terraform's `# forces replacement`, red like the destroy half of `-/+`.
  const comment = (c: string | undefined): string =>
    c === undefined ? '' : ` ${style.red(`# ${c}`)}`;
  for (const e of entries) {
    switch (e.kind) {
      case 'note':
        out.push(`${plainCol}# ${e.text}`);
        break;
      case 'item':
        out.push(`${symCol}${paintSymbol(e.sym, style)} ${e.value}`);
        break;
      case 'attr':
        out.push(
          `${symCol}${paintSymbol(e.sym, style)} ${e.key.padEnd(width)} = ${e.value}${comment(e.comment)}`,
        );
        break;
      case 'block':
        out.push(
          `${symCol}${paintSymbol(e.sym, style)} ${e.key.padEnd(width)} = ${e.open}${comment(e.comment)}`,
        );
        emit(e.body, depth + 1, style, out);
        out.push(`${plainCol}${e.close}`);
        break;
    }
  }
}
