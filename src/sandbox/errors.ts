import type { FieldProblem } from '../core/errors.js';
import { formatFieldProblem } from '../core/errors.js';
import type { JsonObject } from './json.js';

/** One entry of `Status.details.causes`, as the API server writes it. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

/** The identity of a resource in error messages: `services`, `leases.coordination.k8s.io`. */
export interface ResourceName {
  resource: string;
  group: string;
}

/**
 * A failed request, answered as a `meta/v1 Status` with the API server's code, reason and
 * message, so that kubectl and client-node print and classify it as they would a real one.
 */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): JsonObject {
    return statusObject({
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
      ...(this.details === undefined ? {} : { details: this.details }),
    });
  }
}

export function statusObject(fields: {
  status: 'Success' | 'Failure';
  code: number;
  message?: string;
  reason?: string;
  details?: StatusDetails;
}): JsonObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: fields.status,
    ...(fields.message === undefined ? {} : { message: fields.message }),
    ...(fields.reason === undefined ? {} : { reason: fields.reason }),
    ...(fields.details === undefined ? {} : { details: fields.details as JsonObject }),
    code: fields.code,
  };
}

const qualified = (r: ResourceName): string => (r.group ? `${r.resource}.${r.group}` : r.resource);

const detailsOf = (r: ResourceName, name: string): StatusDetails => ({
  name,
  ...(r.group ? { group: r.group } : {}),
  kind: r.resource,
});

export const notFound = (r: ResourceName, name: string): ApiError =>
  new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, detailsOf(r, name));

export const alreadyExists = (r: ResourceName, name: string): ApiError =>
  new ApiError(
    409,
    'AlreadyExists',
    `${qualified(r)} "${name}" already exists`,
    detailsOf(r, name),
  );

export const conflict = (r: ResourceName, name: string, why: string): ApiError =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`,
    detailsOf(r, name),
  );

export const staleUpdate = (r: ResourceName, name: string): ApiError =>
  conflict(
    r,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const unknownPath = (): ApiError =>
  new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

export const methodNotAllowed = (): ApiError =>
  new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );

export const gone = (requested: number, oldest: number): ApiError =>
  new ApiError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);

export const forbidden = (r: ResourceName, name: string, why: string): ApiError =>
  new ApiError(
    403,
    'Forbidden',
    `${qualified(r)} "${name}" is forbidden: ${why}`,
    detailsOf(r, name),
  );

const CAUSE_REASON: Record<FieldProblem['type'], string> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Unsupported: 'FieldValueNotSupported',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
};

/** HTTP 422 `Invalid`, worded as `Service "x" is invalid: spec.ports[0].nodePort: Invalid value: ...`. */
export function invalid(
  kind: string,
  r: ResourceName,
  name: string,
  problems: readonly FieldProblem[],
): ApiError {
  const lines = problems.map(formatFieldProblem);
  const joined = lines.length === 1 ? (lines[0] ?? '') : `[${lines.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, {
    name,
    ...(r.group ? { group: r.group } : {}),
    kind,
    causes: problems.map((p, i) => ({
      reason: CAUSE_REASON[p.type],
      message: (lines[i] ?? '').slice(p.field.length + 2),
      field: p.field,
    })),
  });
}

/** Anything thrown that is not an ApiError becomes a 500 that still reads as a Status. */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}
