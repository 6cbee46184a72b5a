import { invalid } from './errors.js';

/**
 * The list `filter` of the Compute API, the parts lbctl and operators use:
 * `field = value`, `field != value` (literal, `*` wildcard), `field: value` (has), and the
 * legacy regular-expression form `field eq regex` / `field ne regex` (full match); terms joined
 * by AND (or juxtaposed) and optionally parenthesised; fields are dotted paths
 * (`labels.lbctl-cluster`, `name`, `description`). As the real API, the two forms cannot be
 * mixed in one filter, and a filter it cannot parse is a 400 on field 'filter'.
 */
export type Predicate = (resource: Record<string, unknown>) => boolean;

interface Term {
  path: string[];
  op: '=' | '!=' | ':' | 'eq' | 'ne';
  value: string;
}

const TERM =
  /^\(?\s*([A-Za-z][\w.-]*)\s*(!=|=|:|\beq\b|\bne\b)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s()]+)\s*\)?$/;

export function parseFilter(filter: string | null): Predicate {
  if (filter === null || filter.trim() === '') return () => true;
  const parts = splitTerms(filter);
  const terms: Term[] = parts.map((part) => {
    const m = TERM.exec(part.trim());
    if (m === null) throw invalid('filter', filter, 'Invalid list filter expression.');
    const raw = m[3] ?? '';
    const value = /^["']/.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    return { path: (m[1] ?? '').split('.'), op: m[2] as Term['op'], value };
  });
  const regexForm = terms.some((t) => t.op === 'eq' || t.op === 'ne');
  if (regexForm && terms.some((t) => t.op !== 'eq' && t.op !== 'ne')) {
    throw invalid(
      'filter',
      filter,
      'Cannot mix regular expression and comparison filter operators.',
    );
  }
  return (resource) => terms.every((t) => matches(t, lookup(resource, t.path)));
}

function splitTerms(filter: string): string[] {
  // Split on top-level AND or whitespace between parenthesised terms, not inside quotes.
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let cur = '';
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i] ?? '';
    if (quote !== undefined) {
      cur += c;
      if (c === '\\') cur += filter[++i] ?? '';
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    if (c === '(') depth++;
    if (c === ')') depth--;
    cur += c;
    if (depth === 0 && c === ')') {
      out.push(cur);
      cur = '';
    }
  }
  out.push(cur);
  return out
    .flatMap((p) => p.split(/\s+AND\s+/i))
    .map((p) => p.trim().replace(/^AND\s+/i, ''))
    .filter((p) => p !== '');
}

function lookup(resource: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = resource;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function matches(t: Term, actual: unknown): boolean {
  const s = actual === undefined || actual === null ? undefined : String(actual);
  switch (t.op) {
    case 'eq':
    case 'ne': {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${t.value})$`);
      } catch {
        throw invalid('filter', t.value, 'Invalid regular expression.');
      }
      const hit = s !== undefined && re.test(s);
      return t.op === 'eq' ? hit : !hit;
    }
    case ':':
      return t.value === '*' ? s !== undefined : s !== undefined && s.includes(t.value);
    default: {
      const re = new RegExp(`^${t.value.split('*').map(escape).join('.*')}$`);
      const hit = s !== undefined && re.test(s);
      return t.op === '=' ? hit : !hit;
    }
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
