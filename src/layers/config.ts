import { InvalidInputError } from '../core/errors.js';
import type { FieldProblem } from '../core/errors.js';
import type { IPFamily } from '../core/k8s.js';
import { parseCIDR } from './ip.js';
import type { ParsedCIDR } from './ip.js';

/** Where ClusterIPs and NodePorts come from when lbctl allocates them itself (files, sandbox). */
export interface LayersConfig {
  /** One CIDR, or two of different families for a dual-stack cluster; the first is the primary family. */
  serviceCIDRs: string[];
  /** Inclusive, like the API server's `--service-node-port-range`. */
  nodePortRange: { min: number; max: number };
}

/** The API server's defaults: `--service-cluster-ip-range=10.96.0.0/12` (kubeadm), `--service-node-port-range=30000-32767`. */
export const DEFAULT_LAYERS: LayersConfig = Object.freeze({
  serviceCIDRs: ['10.96.0.0/12'],
  nodePortRange: { min: 30000, max: 32767 },
}) as LayersConfig;

export interface CheckedConfig {
  cidrs: ParsedCIDR[];
  families: IPFamily[];
  nodePortRange: { min: number; max: number };
}

const CONFIG_OBJECT = 'layers configuration';

/** Validates a LayersConfig; bad values are an InvalidInputError naming the setting. */
export function checkConfig(config: LayersConfig): CheckedConfig {
  const problems: FieldProblem[] = [];
  const cidrs: ParsedCIDR[] = [];
  if (config.serviceCIDRs.length === 0 || config.serviceCIDRs.length > 2) {
    problems.push({
      type: 'Invalid',
      field: 'serviceCIDRs',
      value: config.serviceCIDRs,
      detail: 'must hold one CIDR, or two of different IP families for dual-stack',
    });
  }
  config.serviceCIDRs.forEach((text, i) => {
    const cidr = parseCIDR(text, true);
    if (cidr === undefined) {
      problems.push({
        type: 'Invalid',
        field: `serviceCIDRs[${i}]`,
        value: text,
        detail:
          'must be a network in CIDR notation with no host bits set (e.g. 10.96.0.0/12 or fd00:10:96::/108)',
      });
    } else if (cidrs.some((c) => c.family === cidr.family)) {
      problems.push({
        type: 'Invalid',
        field: `serviceCIDRs[${i}]`,
        value: text,
        detail: `must be of a different IP family than serviceCIDRs[0]`,
      });
    } else {
      cidrs.push(cidr);
    }
  });
  const { min, max } = config.nodePortRange;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
    problems.push({
      type: 'Invalid',
      field: 'nodePortRange',
      value: `${min}-${max}`,
      detail: 'must be integers with 1 <= min <= max <= 65535',
    });
  }
  if (problems.length > 0) throw new InvalidInputError(CONFIG_OBJECT, problems);
  return { cidrs, families: cidrs.map((c) => c.family), nodePortRange: { min, max } };
}
