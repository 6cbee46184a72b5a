import type { FieldProblem } from '../core/errors.js';
import type { Service, ServicePort } from '../core/k8s.js';
import { isHeadless, needsHealthCheck } from './defaults.js';
import { parseIP } from './ip.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const AFFINITIES = ['ClientIP', 'None'];
const FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const FAMILIES = ['IPv4', 'IPv6'];
/** core.MaxClientIPServiceAffinitySeconds */
export const MAX_AFFINITY_SECONDS = 86400;
const PORT_RANGE = 'must be between 1 and 65535, inclusive';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_DETAIL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const IP_DETAIL = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

const supported = (values: readonly string[]): string =>
  `supported values: ${values.map((v) => `"${v}"`).join(', ')}`;

const isPortNumber = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;

/**
 * The part of the API server's ValidateService that does not depend on cluster state, with its
 * field paths and wording. Runs on a defaulted Service; returns every problem found.
 */
export function validateService(svc: Service): FieldProblem[] {
  const spec = svc.spec;
  const problems: FieldProblem[] = [];
  if (!svc.metadata.name)
    problems.push({
      type: 'Required',
      field: 'metadata.name',
      detail: 'name or generateName is required',
    });
  const type = spec.type ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(type)) {
    problems.push({
      type: 'Unsupported',
      field: 'spec.type',
      value: type,
      detail: supported(SERVICE_TYPES),
    });
    return problems;
  }
  if (type === 'ExternalName') {
    if (!spec.externalName)
      problems.push({ type: 'Required', field: 'spec.externalName', detail: '' });
    if (spec.clusterIP) {
      problems.push({
        type: 'Forbidden',
        field: 'spec.clusterIP',
        detail: 'may not be set for ExternalName services',
      });
    }
    return problems;
  }
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(spec))
    problems.push({ type: 'Required', field: 'spec.ports', detail: '' });
  problems.push(...validatePorts(ports, type));
  if (isHeadless(spec) && (type === 'LoadBalancer' || type === 'NodePort')) {
    problems.push({
      type: 'Invalid',
      field: 'spec.clusterIPs[0]',
      value: 'None',
      detail: `may not be set to 'None' for ${type} services`,
    });
  }
  problems.push(...validateClusterIPs(svc));
  problems.push(...validateTraffic(svc));
  return problems;
}

function validatePorts(ports: readonly ServicePort[], type: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const names = new Set<string>();
  const pairs = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name)
      problems.push({ type: 'Required', field: `${at}.name`, detail: '' });
    if (p.name) {
      if (!DNS_LABEL.test(p.name) || p.name.length > 63) {
        problems.push({
          type: 'Invalid',
          field: `${at}.name`,
          value: p.name,
          detail: DNS_LABEL_DETAIL,
        });
      } else if (names.has(p.name)) {
        problems.push({ type: 'Duplicate', field: `${at}.name`, value: p.name, detail: '' });
      }
      names.add(p.name);
    }
    const protocol = p.protocol ?? 'TCP';
    if (!PROTOCOLS.includes(protocol)) {
      problems.push({
        type: 'Unsupported',
        field: `${at}.protocol`,
        value: protocol,
        detail: supported(PROTOCOLS),
      });
    }
    if (!isPortNumber(p.port))
      problems.push({ type: 'Invalid', field: `${at}.port`, value: p.port, detail: PORT_RANGE });
    if (typeof p.targetPort === 'number' && !isPortNumber(p.targetPort)) {
      problems.push({
        type: 'Invalid',
        field: `${at}.targetPort`,
        value: p.targetPort,
        detail: PORT_RANGE,
      });
    }
    const pair = `${protocol}/${p.port}`;
    if (pairs.has(pair)) {
      problems.push({
        type: 'Duplicate',
        field: at,
        value: { protocol, port: p.port },
        detail: '',
      });
    }
    pairs.add(pair);
    if (p.nodePort === undefined || p.nodePort === 0) return;
    if (type === 'ClusterIP') {
      problems.push({
        type: 'Forbidden',
        field: `${at}.nodePort`,
        detail: "may not be used when `type` is 'ClusterIP'",
      });
      return;
    }
    if (!isPortNumber(p.nodePort)) {
      problems.push({
        type: 'Invalid',
        field: `${at}.nodePort`,
        value: p.nodePort,
        detail: PORT_RANGE,
      });
      return;
    }
    const nodePair = `${protocol}/${p.nodePort}`;
    if (nodePorts.has(nodePair)) {
      problems.push({ type: 'Duplicate', field: `${at}.nodePort`, value: p.nodePort, detail: '' });
    }
    nodePorts.add(nodePair);
  });
  return problems;
}

function validateClusterIPs(svc: Service): FieldProblem[] {
  const spec = svc.spec;
  const problems: FieldProblem[] = [];
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP !== undefined && ips.length > 0 && ips[0] !== spec.clusterIP) {
    problems.push({
      type: 'Invalid',
      field: 'spec.clusterIPs[0]',
      value: ips[0],
      detail: 'must be equal to spec.clusterIP when both are set',
    });
  }
  if (ips.length > 2) {
    problems.push({
      type: 'Invalid',
      field: 'spec.clusterIPs',
      value: ips,
      detail: 'may specify no more than two IPs',
    });
  }
  const families: string[] = [];
  ips.forEach((ip, i) => {
    if (ip === 'None' && i === 0 && ips.length === 1) return;
    const parsed = parseIP(ip);
    if (parsed === undefined) {
      problems.push({
        type: 'Invalid',
        field: `spec.clusterIPs[${i}]`,
        value: ip,
        detail: IP_DETAIL,
      });
    } else if (families.includes(parsed.family)) {
      problems.push({
        type: 'Invalid',
        field: `spec.clusterIPs[${i}]`,
        value: ip,
        detail: 'must be of a different IP family than spec.clusterIPs[0]',
      });
    } else {
      families.push(parsed.family);
    }
  });
  if (spec.ipFamilyPolicy !== undefined && !FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    problems.push({
      type: 'Unsupported',
      field: 'spec.ipFamilyPolicy',
      value: spec.ipFamilyPolicy,
      detail: supported(FAMILY_POLICIES),
    });
  }
  const ipFamilies = spec.ipFamilies ?? [];
  ipFamilies.forEach((f, i) => {
    if (!FAMILIES.includes(f)) {
      problems.push({
        type: 'Unsupported',
        field: `spec.ipFamilies[${i}]`,
        value: f,
        detail: supported(FAMILIES),
      });
    } else if (ipFamilies.indexOf(f) !== i) {
      problems.push({ type: 'Duplicate', field: `spec.ipFamilies[${i}]`, value: f, detail: '' });
    }
  });
  const many = ipFamilies.length > 1 || ips.filter((ip) => ip !== 'None').length > 1;
  if (many && (spec.ipFamilyPolicy ?? 'SingleStack') === 'SingleStack') {
    problems.push({
      type: 'Invalid',
      field: 'spec.ipFamilyPolicy',
      value: spec.ipFamilyPolicy ?? 'SingleStack',
      detail:
        "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
    });
  }
  return problems;
}

function validateTraffic(svc: Service): FieldProblem[] {
  const spec = svc.spec;
  const problems: FieldProblem[] = [];
  if (
    spec.externalTrafficPolicy !== undefined &&
    !TRAFFIC_POLICIES.includes(spec.externalTrafficPolicy)
  ) {
    problems.push({
      type: 'Unsupported',
      field: 'spec.externalTrafficPolicy',
      value: spec.externalTrafficPolicy,
      detail: supported(TRAFFIC_POLICIES),
    });
  }
  if (spec.sessionAffinity !== undefined && !AFFINITIES.includes(spec.sessionAffinity)) {
    problems.push({
      type: 'Unsupported',
      field: 'spec.sessionAffinity',
      value: spec.sessionAffinity,
      detail: supported(AFFINITIES),
    });
  }
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (
    timeout !== undefined &&
    !(Number.isInteger(timeout) && timeout > 0 && timeout <= MAX_AFFINITY_SECONDS)
  ) {
    problems.push({
      type: 'Invalid',
      field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
      value: timeout,
      detail: `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`,
    });
  }
  const hc = spec.healthCheckNodePort;
  if (hc !== undefined && hc !== 0) {
    if (!needsHealthCheck(spec)) {
      // field.Invalid with the value, as ValidateService words it.
      problems.push({
        type: 'Invalid',
        field: 'spec.healthCheckNodePort',
        value: hc,
        detail:
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      });
    } else if (!isPortNumber(hc)) {
      problems.push({
        type: 'Invalid',
        field: 'spec.healthCheckNodePort',
        value: hc,
        detail: PORT_RANGE,
      });
    }
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.type !== 'LoadBalancer') {
    problems.push({
      type: 'Forbidden',
      field: 'spec.allocateLoadBalancerNodePorts',
      detail: "may only be used when `type` is 'LoadBalancer'",
    });
  }
  return problems;
}
