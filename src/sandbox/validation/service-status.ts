import type { FieldProblem } from '../../core/errors.js';
import type { Json, KObject } from '../json.js';
import { arr, at, isObject, str } from '../json.js';
import { conditionProblems } from './conditions.js';
import { dns1123SubdomainErrors, invalidEach, isIPAddress, supportedValues } from './rules.js';

const IP_MODES = ['Proxy', 'VIP'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const INGRESS = 'status.loadBalancer.ingress';

/**
 * SetDefaults_Service for status (LoadBalancerIPMode, GA in 1.32): an ingress with an `ip`
 * and no `ipMode` gets `ipMode: VIP`.
 */
export function defaultServiceStatus(svc: KObject): void {
  for (const ing of arr(at(svc, 'status.loadBalancer.ingress'))) {
    if (isObject(ing) && str(ing['ip']) && ing['ipMode'] === undefined) ing['ipMode'] = 'VIP';
  }
}

/**
 * ValidateServiceStatusUpdate: ingress only on LoadBalancer Services (AllowServiceLBStatusOnNonLB
 * is off by default), `ip` a valid IP, `hostname` a DNS name and not an IP, `ipMode` only with
 * `ip` and one of Proxy/VIP, ports and conditions well formed.
 */
export function serviceStatusProblems(svc: KObject): FieldProblem[] {
  const ingress = arr(at(svc, 'status.loadBalancer.ingress'));
  const problems: FieldProblem[] = [];
  if (ingress.length > 0 && at(svc, 'spec.type') !== 'LoadBalancer') {
    problems.push({
      type: 'Forbidden',
      field: INGRESS,
      detail: "may only be used when `spec.type` is 'LoadBalancer'",
    });
  } else ingress.forEach((ing, i) => problems.push(...ingressProblems(ing, `${INGRESS}[${i}]`)));
  problems.push(...conditionProblems(arr(at(svc, 'status.conditions')), 'status.conditions'));
  return problems;
}

function ingressProblems(ing: Json, path: string): FieldProblem[] {
  if (!isObject(ing)) return [];
  const problems: FieldProblem[] = [];
  const ip = str(ing['ip']) ?? '';
  const hostname = str(ing['hostname']) ?? '';
  const mode = str(ing['ipMode']);
  if (ip !== '' && !isIPAddress(ip)) {
    problems.push({
      type: 'Invalid',
      field: `${path}.ip`,
      value: ip,
      detail: 'must be a valid IP address',
    });
  }
  if (mode === undefined && ip !== '') {
    problems.push({
      type: 'Required',
      field: `${path}.ipMode`,
      detail: 'must be specified when `ip` is set',
    });
  } else if (mode !== undefined && ip === '') {
    problems.push({
      type: 'Forbidden',
      field: `${path}.ipMode`,
      detail: 'may not be specified when `ip` is not set',
    });
  } else if (mode !== undefined && !IP_MODES.includes(mode)) {
    problems.push({
      type: 'Unsupported',
      field: `${path}.ipMode`,
      value: mode,
      detail: supportedValues(IP_MODES),
    });
  }
  if (hostname !== '') {
    problems.push(...invalidEach(`${path}.hostname`, hostname, dns1123SubdomainErrors(hostname)));
    if (isIPAddress(hostname)) {
      problems.push({
        type: 'Invalid',
        field: `${path}.hostname`,
        value: hostname,
        detail: 'must be a DNS name, not an IP address',
      });
    }
  }
  arr(ing['ports']).forEach((port, j) =>
    problems.push(...portStatusProblems(port, `${path}.ports[${j}]`)),
  );
  return problems;
}

/** validatePortStatus: a port number, a supported protocol, an error that is a CamelCase reason. */
function portStatusProblems(port: Json, path: string): FieldProblem[] {
  if (!isObject(port)) return [];
  const problems: FieldProblem[] = [];
  const n = port['port'];
  if (typeof n !== 'number' || n < 1 || n > 65535) {
    problems.push({
      type: 'Invalid',
      field: `${path}.port`,
      value: n ?? 0,
      detail: 'must be between 1 and 65535, inclusive',
    });
  }
  const protocol = str(port['protocol']) ?? '';
  if (protocol === '') problems.push({ type: 'Required', field: `${path}.protocol`, detail: '' });
  else if (!PROTOCOLS.includes(protocol)) {
    problems.push({
      type: 'Unsupported',
      field: `${path}.protocol`,
      value: protocol,
      detail: supportedValues(PROTOCOLS),
    });
  }
  const error = str(port['error']);
  if (error !== undefined && !/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/.test(error)) {
    problems.push({
      type: 'Invalid',
      field: `${path}.error`,
      value: error,
      detail:
        "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'MyReason',  or 'My_Reason',  or 'MyReason:Name', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')",
    });
  }
  return problems;
}
