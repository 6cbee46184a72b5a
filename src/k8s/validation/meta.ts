import type { FieldProblem } from '../../core/errors.js';
import type { ObjectMeta } from '../../core/k8s.js';
import { isDNS1123Label, isQualifiedName, isUuid, isValidLabelValue } from './names.js';

/** core.TotalAnnotationSizeLimitB: keys and values together. */
export const TOTAL_ANNOTATION_SIZE = 256 * 1024;

const invalid = (field: string, value: unknown, details: string[]): FieldProblem[] =>
  details.map((detail) => ({ type: 'Invalid', field, value, detail }));

/** ValidateLabels: every key a qualified name, every value a label value; path `<path>` for both. */
export function validateLabels(
  labels: Readonly<Record<string, string>> | undefined,
  path: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    problems.push(...invalid(path, k, isQualifiedName(k)));
    problems.push(...invalid(path, v, isValidLabelValue(v)));
  }
  return problems;
}

/** ValidateAnnotations: keys are qualified names (checked lower-cased), 256 KiB in total. */
export function validateAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  path: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    problems.push(...invalid(path, k, isQualifiedName(k.toLowerCase())));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE) {
    problems.push({
      type: 'TooLong',
      field: path,
      detail: `may not be more than ${TOTAL_ANNOTATION_SIZE} bytes`,
    });
  }
  return problems;
}

export interface MetaRules {
  /** The name rule of the kind (Service: DNS-1035 label; Node: DNS-1123 subdomain). */
  name: (value: string) => string[];
  namespaced: boolean;
}

/**
 * ValidateObjectMeta for what lbctl reads: name, namespace, labels, annotations, and the UID,
 * which must be RFC 4122 text (what the API server issues) since cloud names derive from it.
 */
export function validateObjectMeta(meta: ObjectMeta, rules: MetaRules): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const generateName = (meta as { generateName?: string }).generateName;
  if (!meta.name && generateName) {
    // The API server appends 5 random characters; the prefix must be valid with them.
    const detail = rules.name(`${generateName}x`);
    problems.push(...invalid('metadata.generateName', generateName, detail));
  } else if (!meta.name) {
    problems.push({
      type: 'Required',
      field: 'metadata.name',
      detail: 'name or generateName is required',
    });
  } else problems.push(...invalid('metadata.name', meta.name, rules.name(meta.name)));
  if (rules.namespaced) {
    if (!meta.namespace)
      problems.push({ type: 'Required', field: 'metadata.namespace', detail: '' });
    else
      problems.push(
        ...invalid('metadata.namespace', meta.namespace, isDNS1123Label(meta.namespace)),
      );
  } else if (meta.namespace) {
    problems.push({
      type: 'Forbidden',
      field: 'metadata.namespace',
      detail: 'not allowed on this type',
    });
  }
  if (meta.uid !== undefined && meta.uid !== '' && !isUuid(meta.uid)) {
    problems.push({
      type: 'Invalid',
      field: 'metadata.uid',
      value: meta.uid,
      detail:
        'must be a UUID in RFC 4122 text form (8-4-4-4-12 hexadecimal digits, e.g. 5f1c2a3e-8b9d-4c7a-9e01-0000000000a1), as the API server issues it',
    });
  }
  problems.push(...validateLabels(meta.labels, 'metadata.labels'));
  problems.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  return problems;
}
