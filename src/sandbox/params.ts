import { badRequest } from './errors.js';
import type { WriteOptions } from './registry.js';
import { parseFieldValidation } from './schema.js';
import type { IncludeObject } from './tables.js';

/**
 * A boolean query parameter as the API server converts it (Convert_Slice_string_To_bool):
 * absent is false; `0` and `false` (any case) are false; every other value, the empty
 * string and the Python client's `True` included, is true.
 */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  return v !== '0' && v.toLowerCase() !== 'false';
}

/** dryRun and fieldValidation of a write request. */
export function writeOptions(q: URLSearchParams): WriteOptions {
  const dryRun = q.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All'))
    throw badRequest(`Invalid dry run value: ${dryRun.join(',')}; supported values: "All"`);
  return {
    dryRun: dryRun.length > 0,
    fieldValidation: parseFieldValidation(q.get('fieldValidation')),
  };
}

export function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject') ?? 'Metadata';
  if (v !== 'None' && v !== 'Metadata' && v !== 'Object') {
    throw badRequest(`includeObject must be one of "None", "Metadata" or "Object", got "${v}"`);
  }
  return v;
}
