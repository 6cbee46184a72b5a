/**
 * Typed errors. The kind decides what happens next:
 * - `invalid`: bad input; stop, report, never retry, never write to the cloud.
 * - `not-owned`: a cloud resource lacks this cluster's ownership tag; stop and report.
 * - `transient`: retry with backoff.
 * - `throttled`: slow down; honour `retryAfterMs` when the cloud gave one.
 * - `provisioning`: the cloud is still working; retry after a fixed time.
 * - `not-found`: the resource is gone (callers usually treat this as success on delete).
 * - `conflict`: optimistic concurrency lost (etag, fingerprint, resourceVersion); re-read and retry.
 * - `terminal`: the cloud refused for good (quota, permissions, validation it performs).
 */
export type ErrorKind =
  | 'invalid'
  | 'not-owned'
  | 'transient'
  | 'throttled'
  | 'provisioning'
  | 'not-found'
  | 'conflict'
  | 'terminal';

export class LbctlError extends Error {
  readonly kind: ErrorKind;
  /** Set on throttled and provisioning errors when the cloud or policy says when to come back. */
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: ErrorKind,
    message: string,
    options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LbctlError';
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
  }

  get retryable(): boolean {
    return (
      this.kind === 'transient' ||
      this.kind === 'throttled' ||
      this.kind === 'provisioning' ||
      this.kind === 'conflict'
    );
  }
}

/** The field error types of the Kubernetes API server (k8s.io/apimachinery field.ErrorType). */
export type FieldErrorType =
  | 'Invalid'
  | 'Required'
  | 'Duplicate'
  | 'Unsupported'
  | 'Forbidden'
  | 'NotSupported'
  | 'TooLong'
  | 'TooMany';

export interface FieldProblem {
  type: FieldErrorType;
  /** Field path as the API server writes it: `spec.ports[0].nodePort`, or an annotation: `metadata.annotations[lbctl.io/scheme]`. */
  field: string;
  value?: unknown;
  /** What is allowed, or why the value is refused, in the API server's wording where it has one. */
  detail: string;
}

/** Renders a problem exactly as the API server does: `spec.ports[0].nodePort: Invalid value: 29999: provided port is ...`. */
export function formatFieldProblem(p: FieldProblem): string {
  switch (p.type) {
    case 'Required':
      return `${p.field}: Required value${p.detail ? `: ${p.detail}` : ''}`;
    case 'Forbidden':
      return `${p.field}: Forbidden: ${p.detail}`;
    case 'TooLong':
      return `${p.field}: Too long: ${p.detail}`;
    case 'TooMany':
      return `${p.field}: Too many: ${formatValue(p.value)}: ${p.detail}`;
    case 'Duplicate':
      return `${p.field}: Duplicate value: ${formatValue(p.value)}`;
    case 'Unsupported':
    case 'NotSupported':
      return `${p.field}: Unsupported value: ${formatValue(p.value)}: ${p.detail}`;
    default:
      return `${p.field}: Invalid value: ${formatValue(p.value)}: ${p.detail}`;
  }
}

/** Values longer than this are cut in messages (a 100,000-character name stays readable). */
const MAX_SHOWN = 256;

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(shorten(v));
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'number' && !Number.isFinite(v)) return JSON.stringify(String(v));
  if (typeof v === 'object') {
    let text: string;
    try {
      text = JSON.stringify(v) ?? 'null';
    } catch {
      text = '(a value that cannot be shown)';
    }
    return text.length > MAX_SHOWN
      ? `${text.slice(0, MAX_SHOWN)}… (${text.length} characters)`
      : text;
  }
  return String(v);
}

const shorten = (s: string): string =>
  s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}… (${s.length} characters)` : s;

/**
 * One printable line: control characters (newlines included) and the Unicode line separators
 * are written as JSON escapes, so that no input can split or hide part of an error message.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\r'
        ? '\\r'
        : c === '\t'
          ? '\\t'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Bad input from a user: names the object (`Service default/web`), the field or annotation,
 * the value and what is allowed. Never retried; nothing is written to the cloud.
 */
export class InvalidInputError extends LbctlError {
  readonly object: string;
  readonly problems: FieldProblem[];

  constructor(object: string, problems: FieldProblem[], options: { cause?: unknown } = {}) {
    super(
      'invalid',
      printable(`${object}: ${problems.map(formatFieldProblem).join('; ')}`),
      options,
    );
    this.name = 'InvalidInputError';
    this.object = object;
    this.problems = problems;
  }
}

/** A cloud resource matches by name or address but lacks this cluster's ownership tag. */
export class NotOwnedError extends LbctlError {
  readonly resource: string;

  constructor(resource: string, detail: string) {
    super(
      'not-owned',
      `${resource} exists but is not owned by this cluster (${detail}); lbctl never changes or deletes it`,
    );
    this.name = 'NotOwnedError';
    this.resource = resource;
  }
}

export const isLbctlError = (e: unknown): e is LbctlError => e instanceof LbctlError;
