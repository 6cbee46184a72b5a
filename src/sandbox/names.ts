import type { FieldProblem } from '../core/errors.js';
import type { NameRule } from './resources.js';

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The API server's name validation messages (apimachinery validation.IsDNS1035Label and friends). */
export function nameProblems(name: string, rule: NameRule): FieldProblem[] {
  const field = 'metadata.name';
  const problems: FieldProblem[] = [];
  // RBAC objects: path.IsValidPathSegmentName, any length.
  if (rule === 'path-segment') {
    const why = ['.', '..'].includes(name)
      ? [`may not be '${name}'`]
      : ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
    return why.map((detail) => ({ type: 'Invalid', field, value: name, detail }));
  }
  const max = rule === 'dns1123-subdomain' ? 253 : 63;
  if (name.length > max) {
    problems.push({
      type: 'Invalid',
      field,
      value: name,
      detail: `must be no more than ${max} characters`,
    });
  }
  if (rule === 'dns1035-label' && !DNS1035.test(name)) {
    problems.push({
      type: 'Invalid',
      field,
      value: name,
      detail:
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    });
  }
  if (rule === 'dns1123-label' && !DNS1123_LABEL.test(name)) {
    problems.push({
      type: 'Invalid',
      field,
      value: name,
      detail:
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    });
  }
  if (rule === 'dns1123-subdomain' && !DNS1123_SUBDOMAIN.test(name)) {
    problems.push({
      type: 'Invalid',
      field,
      value: name,
      detail:
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    });
  }
  return problems;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Label keys and values as apimachinery's ValidateLabels checks them, with its messages. */
export function labelProblems(labels: Readonly<Record<string, unknown>>): FieldProblem[] {
  const field = 'metadata.labels';
  const problems: FieldProblem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash < 0 ? '' : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    if (prefix !== '' && !DNS1123_SUBDOMAIN.test(prefix)) {
      problems.push({
        type: 'Invalid',
        field,
        value: key,
        detail:
          "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      });
    }
    if (!QUALIFIED_NAME.test(name) || name.length > 63) {
      problems.push({
        type: 'Invalid',
        field,
        value: key,
        detail:
          name.length > 63
            ? 'name part must be no more than 63 characters'
            : "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      });
    }
    const text = typeof value === 'string' ? value : String(value);
    if (!LABEL_VALUE.test(text) || text.length > 63) {
      problems.push({
        type: 'Invalid',
        field,
        value: text,
        detail:
          text.length > 63
            ? 'must be no more than 63 characters'
            : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      });
    }
  }
  return problems;
}
