import type { KObject } from './json.js';
import { at } from './json.js';

/** A field selector's value read from the wire form: strings as they are, others as JSON. */
export const text =
  (path: string) =>
  (o: KObject): string => {
    const v = at(o, path);
    return typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
  };

/** The field selectors every resource accepts. */
export const metaFields = (namespaced: boolean): Record<string, (o: KObject) => string> => ({
  'metadata.name': text('metadata.name'),
  ...(namespaced ? { 'metadata.namespace': text('metadata.namespace') } : {}),
});
