import { badRequest } from './errors.js';
import type { WriteOptions } from './registry.js';
import { parseFieldValidation } from './schema.js';
import type { IncludeObject } from './tables.js';

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
