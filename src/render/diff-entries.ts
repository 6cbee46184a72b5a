import type { AttributeChange, SetDelta, Step } from '../core/plan.js';
import type { Value } from '../core/resource.js';
import { isObject, memberKey, valueAt } from '../plan/values.js';
import type { Entry } from './tree.js';
import { KNOWN_AFTER_APPLY, valueEntry } from './tree.js';
import { byString, formatInline, formatKey } from './values.js';

interface Node {
  change?: AttributeChange;
  /** A computed value the replacement will lose: shown as `old -> (known after apply)`. */
  lost?: Value;
  /** An unchanged value that still forces the replacement (a reference to a replaced resource). */
  forcing?: Value;
  children: Map<string, Node>;
}

const FORCES = 'forces replacement';

/** The body of an update or replace: what changes, by attribute, with unchanged ones counted. */
export function changeEntries(step: Step): Entry[] {
  const root: Node = { children: new Map() };
  const at = (path: string): Node => {
    let node = root;
    for (const seg of path.split('.')) {
      let next = node.children.get(seg);
      if (next === undefined) node.children.set(seg, (next = { children: new Map() }));
      node = next;
    }
    return node;
  };
  for (const c of step.changes) at(c.path).change = c;
  const before = step.before?.attributes ?? {};
  const after = step.after?.attributes ?? {};
  if (step.action === 'replace') {
    for (const path of step.computed ?? []) {
      const old = valueAt(before, path);
      const set = valueAt(after, path);
      if (old !== undefined && old !== null && (set === undefined || set === null)) {
        at(path).lost = old;
      }
    }
    for (const segs of step.replacePaths) {
      const path = segs.join('.');
      const node = at(path);
      if (node.change === undefined) node.forcing = valueAt(after, path) ?? null;
    }
  }
  const deltas = new Map(step.setDeltas.map((d) => [d.path, d]));
  return level(root, '', after, deltas);
}

function level(
  node: Node,
  prefix: string,
  after: Value | undefined,
  deltas: ReadonlyMap<string, SetDelta>,
): Entry[] {
  const out: Entry[] = [];
  for (const key of [...node.children.keys()].sort(byString)) {
    const child = node.children.get(key) as Node;
    const path = `${prefix}${key}`;
    const k = formatKey(key);
    if (child.change !== undefined) {
      out.push(leaf(k, child.change, deltas.get(path)));
    } else if (child.lost !== undefined) {
      out.push({
        kind: 'attr',
        sym: '~',
        key: k,
        value: `${formatInline(child.lost)} -> ${KNOWN_AFTER_APPLY}`,
      });
    } else if (child.forcing !== undefined) {
      out.push({
        kind: 'attr',
        sym: ' ',
        key: k,
        value: formatInline(child.forcing),
        comment: FORCES,
      });
    } else {
      const sub = isObject(after) ? after[key] : undefined;
      out.push({
        kind: 'block',
        sym: '~',
        key: k,
        open: '{',
        body: level(child, `${path}.`, sub, deltas),
        close: '}',
      });
    }
  }
  if (isObject(after)) {
    const hidden = Object.keys(after).filter((key) => !node.children.has(key)).length;
    if (hidden > 0) {
      out.push({
        kind: 'note',
        text: `(${hidden} unchanged attribute${hidden === 1 ? '' : 's'} hidden)`,
      });
    }
  }
  return out;
}

function leaf(key: string, c: AttributeChange, delta: SetDelta | undefined): Entry {
  const comment = c.forcesReplacement ? { comment: FORCES } : {};
  if (delta !== undefined) {
    const desired = Array.isArray(c.after) ? new Set(c.after.map(memberKey)).size : 0;
    const unchanged = desired - delta.add.length;
    const body: Entry[] = [
      ...delta.add.map((m): Entry => ({ kind: 'item', sym: '+', value: `${formatInline(m)},` })),
      ...delta.remove.map((m): Entry => ({ kind: 'item', sym: '-', value: `${formatInline(m)},` })),
    ];
    if (unchanged > 0) {
      body.push({
        kind: 'note',
        text: `(${unchanged} unchanged element${unchanged === 1 ? '' : 's'} hidden)`,
      });
    }
    return { kind: 'block', sym: '~', key, open: '[', body, close: ']', ...comment };
  }
  if (c.before === undefined || c.before === null) {
    const entry = valueEntry(key, c.after ?? null, { sym: '+', closeSuffix: '' });
    return { ...entry, ...comment };
  }
  if (c.after === undefined || c.after === null) {
    return { ...valueEntry(key, c.before, { sym: '-', closeSuffix: ' -> null' }), ...comment };
  }
  return {
    kind: 'attr',
    sym: '~',
    key,
    value: `${formatInline(c.before)} -> ${formatInline(c.after)}`,
    ...comment,
  };
}
