import { age } from './duration.js';
import type { Json, KObject } from './json.js';
import { obj } from './json.js';

/** One column of a server-side printed Table, and the ones every printer shares. */
export interface Column {
  name: string;
  description: string;
  priority?: number;
  format?: string;
  cell: (o: KObject, now: Date) => Json;
}

export const nameCol: Column = {
  name: 'Name',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: (o) => String(o.metadata['name']),
};
export const ageCol: Column = {
  name: 'Age',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (o, now) => age(o.metadata['creationTimestamp'], now),
};
export const col = (name: string, cell: (o: KObject, now: Date) => Json, priority = 0): Column => ({
  name,
  description: name,
  ...(priority > 0 ? { priority } : {}),
  cell,
});

export const orNone = (s: string): string => (s === '' ? '<none>' : s);
export const formatLabels = (m: Json | undefined): string =>
  orNone(
    Object.entries(obj(m) ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(','),
  );
