import { InvalidInputError, type FieldProblem } from '../../src/core/errors.js';
import type { ProviderModule, ProviderSettings } from '../../src/core/provider.js';
import { LocalCloud, type LocalCloudOptions } from './cloud.js';
import { desiredLocal, ingressLocal } from './desired.js';
import { observedHealthCheckNodePort, observedNodePorts } from './nodeports.js';
import { connectLocal } from './provider.js';
import { localSchemas } from './schemas.js';

export { LocalCloud } from './cloud.js';
export type { CloudLimits, CloudResource, LocalCloudOptions } from './cloud.js';
export { connectLocal, type ConnectOptions } from './provider.js';

/**
 * Settings (`--set key=value` or `LBCTL_LOCAL_<KEY>`): `latency-ms`, and `reads-per-second`,
 * `writes-per-second`, `burst` for the token-bucket limits (all three, or none).
 */
export function localCloudOptions(settings: ProviderSettings): LocalCloudOptions {
  const problems: FieldProblem[] = [];
  const read = (key: string): number | undefined => {
    const raw =
      settings.values[key] ?? settings.env[`LBCTL_LOCAL_${key.toUpperCase().replace(/-/g, '_')}`];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0) {
      problems.push({ type: 'Invalid', field: key, value: raw, detail: 'must be a number >= 0' });
      return undefined;
    }
    return n;
  };
  const latencyMs = read('latency-ms');
  const reads = read('reads-per-second');
  const writes = read('writes-per-second');
  const burst = read('burst');
  const given = [reads, writes, burst].filter((v) => v !== undefined).length;
  if (given !== 0 && given !== 3) {
    problems.push({
      type: 'Required',
      field: 'reads-per-second, writes-per-second, burst',
      detail: 'rate limits need all three settings',
    });
  }
  if (problems.length > 0) throw new InvalidInputError('provider local', problems);
  return {
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(reads === undefined || writes === undefined || burst === undefined
      ? {}
      : {
          limits: {
            readsPerSecond: reads,
            writesPerSecond: writes,
            burst: Math.max(1, Math.floor(burst)),
          },
        }),
  };
}

/**
 * A provider module over one LocalCloud. Every `connect` of the same module talks to the same
 * cloud, so a plan and a controller in one process see the same state.
 */
export function localProviderModule(
  cloud?: LocalCloud,
): ProviderModule & { cloud(settings: ProviderSettings): LocalCloud } {
  let shared = cloud;
  const cloudFor = (settings: ProviderSettings): LocalCloud => {
    shared ??= new LocalCloud(localCloudOptions(settings));
    return shared;
  };
  return {
    name: 'local',
    model: () => ({
      name: 'local',
      schemas: localSchemas,
      desired: desiredLocal,
      ingress: ingressLocal,
      observedNodePorts,
      observedHealthCheckNodePort,
    }),
    isConfigured: () => true,
    connect: (settings, options) =>
      Promise.resolve(connectLocal(cloudFor(settings), options.calls)),
    cloud: cloudFor,
  };
}

/** The in-memory cloud: no credentials, no network; state lives as long as the process. */
export const provider: ProviderModule = localProviderModule();
