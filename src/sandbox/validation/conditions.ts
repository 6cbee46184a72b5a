import type { FieldProblem } from '../../core/errors.js';
import type { Json } from '../json.js';
import { isObject, str } from '../json.js';
import { invalidEach, qualifiedNameErrors, supportedValues } from './rules.js';

const STATUSES = ['False', 'True', 'Unknown'];
const REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
const REASON_DETAIL =
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'MyReason',  or 'My_Reason',  or 'MyReason:Name', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')";

/** metav1 ValidateConditions: unique qualified-name types, True/False/Unknown, reason, time set. */
export function conditionProblems(conditions: Json[], path: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  conditions.forEach((c, i) => {
    if (!isObject(c)) return;
    const at = `${path}[${i}]`;
    const type = str(c['type']) ?? '';
    if (type === '')
      problems.push({ type: 'Required', field: `${at}.type`, detail: 'must be set' });
    else problems.push(...invalidEach(`${at}.type`, type, qualifiedNameErrors(type)));
    if (seen.has(type))
      problems.push({ type: 'Duplicate', field: `${at}.type`, value: type, detail: '' });
    seen.add(type);
    const status = str(c['status']) ?? '';
    if (!STATUSES.includes(status)) {
      problems.push({
        type: 'Unsupported',
        field: `${at}.status`,
        value: status,
        detail: supportedValues(STATUSES),
      });
    }
    const generation = c['observedGeneration'];
    if (typeof generation === 'number' && generation < 0) {
      problems.push({
        type: 'Invalid',
        field: `${at}.observedGeneration`,
        value: generation,
        detail: 'must be greater than or equal to zero',
      });
    }
    if (c['lastTransitionTime'] === undefined) {
      problems.push({ type: 'Required', field: `${at}.lastTransitionTime`, detail: 'must be set' });
    }
    const reason = str(c['reason']) ?? '';
    if (reason === '')
      problems.push({ type: 'Required', field: `${at}.reason`, detail: 'must be set' });
    else if (!REASON.test(reason))
      problems.push({
        type: 'Invalid',
        field: `${at}.reason`,
        value: reason,
        detail: REASON_DETAIL,
      });
    else if (reason.length > 1024) {
      problems.push({
        type: 'Invalid',
        field: `${at}.reason`,
        value: reason,
        detail: 'must be no more than 1024 characters',
      });
    }
    const message = str(c['message']) ?? '';
    if (message.length > 32768) {
      problems.push({
        type: 'Invalid',
        field: `${at}.message`,
        value: message,
        detail: 'must be no more than 32768 characters',
      });
    }
  });
  return problems;
}
