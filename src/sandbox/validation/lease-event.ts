import type { FieldProblem } from '../../core/errors.js';
import type { JsonObject, KObject } from '../json.js';
import { isObject, obj, str } from '../json.js';
import { invalidEach, qualifiedNameErrors, supportedValues } from './rules.js';

/**
 * ValidateLease: a positive duration, non-negative transitions. `strategy` and
 * `preferredHolder` belong to the CoordinatedLeaderElection feature, off by default in 1.32:
 * the API server drops them (dropDisabledFields), and so does the sandbox.
 */
export function leaseProblems(lease: KObject): FieldProblem[] {
  const spec = obj(lease['spec']);
  if (spec === undefined) return [];
  delete spec['strategy'];
  delete spec['preferredHolder'];
  const problems: FieldProblem[] = [];
  const duration = spec['leaseDurationSeconds'];
  if (typeof duration === 'number' && duration <= 0) {
    problems.push({
      type: 'Invalid',
      field: 'spec.leaseDurationSeconds',
      value: duration,
      detail: 'must be greater than 0',
    });
  }
  const transitions = spec['leaseTransitions'];
  if (typeof transitions === 'number' && transitions < 0) {
    problems.push({
      type: 'Invalid',
      field: 'spec.leaseTransitions',
      value: transitions,
      detail: 'must be greater than or equal to 0',
    });
  }
  return problems;
}

/**
 * legacyValidateEvent (core/v1, what client-go's recorder and kubectl use): the involved
 * object's namespace must be the Event's own (or the Event in `default` for a
 * cluster-scoped object). Field names are the storage (core/v1) ones.
 */
export function coreEventProblems(event: KObject): FieldProblem[] {
  const ns = str(event.metadata['namespace']) ?? '';
  const involved = str(obj(event['involvedObject'])?.['namespace']) ?? '';
  const mismatch = involved === '' ? ns !== '' && ns !== 'default' : ns !== involved;
  return mismatch
    ? [
        {
          type: 'Invalid',
          field: 'involvedObject.namespace',
          value: involved,
          detail: 'does not match event.namespace',
        },
      ]
    : [];
}

const EVENT_TYPES = ['Normal', 'Warning'];

/**
 * ValidateEventCreate for events.k8s.io/v1, in that version's field names (the caller maps
 * the storage form back): eventTime, reportingController (a qualified name),
 * reportingInstance, action and reason required, type Normal or Warning, series count ≥ 2.
 */
export function eventsV1Problems(e: JsonObject, namespace: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const required = (field: string): void => {
    if ((str(e[field]) ?? '') === '') problems.push({ type: 'Required', field, detail: '' });
  };
  if (e['eventTime'] === undefined)
    problems.push({ type: 'Required', field: 'eventTime', detail: '' });
  const type = str(e['type']) ?? '';
  if (!EVENT_TYPES.includes(type)) {
    problems.push({
      type: 'Unsupported',
      field: 'type',
      value: type,
      detail: supportedValues(EVENT_TYPES),
    });
  }
  const controller = str(e['reportingController']) ?? '';
  if (controller === '') required('reportingController');
  else
    problems.push(
      ...invalidEach('reportingController', controller, qualifiedNameErrors(controller)),
    );
  for (const f of ['reportingInstance', 'action', 'reason']) {
    required(f);
    const v = str(e[f]) ?? '';
    if (v.length > 128)
      problems.push({
        type: 'Invalid',
        field: f,
        value: v,
        detail: 'can have at most 128 characters',
      });
  }
  const note = str(e['note']) ?? '';
  if (note.length > 1024)
    problems.push({
      type: 'Invalid',
      field: 'note',
      value: note,
      detail: 'can have at most 1024 characters',
    });
  const regardingNs = str(obj(e['regarding'])?.['namespace']) ?? '';
  if (regardingNs !== '' && regardingNs !== namespace) {
    problems.push({
      type: 'Invalid',
      field: 'regarding.namespace',
      value: regardingNs,
      detail: 'does not match event.namespace',
    });
  }
  const series = e['series'];
  if (isObject(series)) {
    const count = series['count'];
    if (typeof count !== 'number' || count < 2) {
      problems.push({
        type: 'Invalid',
        field: 'series.count',
        value: count ?? 0,
        detail: 'should be at least 2',
      });
    }
    if (series['lastObservedTime'] === undefined) {
      problems.push({ type: 'Required', field: 'series.lastObservedTime', detail: '' });
    }
  }
  return problems;
}
