import { badRequest } from './errors.js';
import type { KObject } from './json.js';
import { obj } from './json.js';
import type { ResourceDef } from './resources.js';

/** A compiled selector: true when the object (wire form) is selected. */
export type Predicate = (o: KObject) => boolean;

type Requirement =
  { op: 'in' | 'notin'; key: string; values: string[] } | { op: 'exists' | '!exists'; key: string };

/** Label selector syntax of the API server: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export function parseLabelSelector(text: string | null): Predicate {
  if (text === null || text.trim() === '') return () => true;
  const reqs = splitTopLevel(text).map(parseRequirement);
  return (o) => {
    const labels = obj(o.metadata['labels']) ?? {};
    return reqs.every((r) => {
      const v = labels[r.key];
      const has = typeof v === 'string';
      switch (r.op) {
        case 'exists':
          return has;
        case '!exists':
          return !has;
        case 'in':
          return has && r.values.includes(v);
        case 'notin':
          return !has || !r.values.includes(v);
      }
    });
  };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function parseRequirement(raw: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(raw);
  const fail = (): never =>
    badRequest(`unable to parse requirement: found '${raw}', expected: label selector`) as never;
  if (set) {
    const [, key = '', op, values = ''] = set;
    if (!KEY.test(key)) throw fail();
    return {
      op: op === 'in' ? 'in' : 'notin',
      key,
      values: values
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    };
  }
  const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(raw);
  if (eq) {
    const [, key = '', op, value = ''] = eq;
    if (!KEY.test(key)) throw fail();
    return { op: op === '!=' ? 'notin' : 'in', key, values: [value] };
  }
  if (raw.startsWith('!') && KEY.test(raw.slice(1).trim()))
    return { op: '!exists', key: raw.slice(1).trim() };
  if (KEY.test(raw)) return { op: 'exists', key: raw };
  throw fail();
}

/**
 * Field selectors: `f=v`, `f==v`, `f!=v`, comma-separated, over the fields the resource
 * supports; any other field is a 400 worded like the API server's.
 */
export function parseFieldSelector(text: string | null, def: ResourceDef): Predicate {
  if (text === null || text.trim() === '') return () => true;
  const reqs = text.split(',').map((raw) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(raw.trim());
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${raw}'`);
    const [, field = '', op, value = ''] = m;
    const read = def.fields[field.trim()];
    if (read === undefined) {
      throw badRequest(`field label not supported: ${field.trim()}`);
    }
    return { read, negate: op === '!=', value };
  });
  return (o) => reqs.every((r) => (r.read(o) === r.value) !== r.negate);
}
