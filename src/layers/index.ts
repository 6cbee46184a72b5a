/**
 * The layers under a load balancer: ClusterIP and NodePort. Two modes, one set of rules:
 * `verifyLayers` checks what a real API server allocated; `LayerAllocator` / `allocateAll`
 * allocate them where there is no API server (plans from files, the sandbox), with the API
 * server's messages. Pure: no I/O, clock or randomness.
 */
import { InvalidInputError } from '../core/errors.js';
import type { Service } from '../core/k8s.js';
import { LayerAllocator } from './allocator.js';
import type { LayersConfig } from './config.js';
import { ownerKey, serviceName } from './defaults.js';

export { LayerAllocator } from './allocator.js';
export { DEFAULT_LAYERS } from './config.js';
export type { LayersConfig } from './config.js';
export { applyDefaults, needsHealthCheck, needsNodePorts, serviceName } from './defaults.js';
export { verifyLayers } from './verify.js';
export { validateService } from './validate.js';

/**
 * Files mode: allocates the layers of every Service at once. The explicitly requested
 * ClusterIPs and NodePorts of all Services are reserved first (in input order), so an
 * automatic pick never takes a port that a later Service asks for; then everything else is
 * allocated in input order. Same input, same output. Two Services with the same
 * namespace/name are an error.
 */
export function allocateAll(services: readonly Service[], config?: LayersConfig): Service[] {
  const seen = new Set<string>();
  for (const svc of services) {
    const key = ownerKey(svc);
    if (seen.has(key)) {
      throw new InvalidInputError(serviceName(svc), [
        { type: 'Duplicate', field: 'metadata.name', value: svc.metadata.name, detail: '' },
      ]);
    }
    seen.add(key);
  }
  const allocator = new LayerAllocator(config);
  for (const svc of services) allocator.reserveRequested(svc);
  return services.map((svc) => allocator.allocate(svc));
}

/**
 * allocateAll that refuses Services one by one instead of all at once: each entry is the
 * allocated Service or the InvalidInputError that refused it (files mode lists every error and
 * `--skip-invalid` plans the rest). Requested values of refused Services are not reserved.
 */
export function allocateEach(
  services: readonly Service[],
  config?: LayersConfig,
): (Service | InvalidInputError)[] {
  const allocator = new LayerAllocator(config);
  const refused = new Map<number, InvalidInputError>();
  const attempt = (i: number, f: () => void) => {
    if (refused.has(i)) return;
    try {
      f();
    } catch (e) {
      if (!(e instanceof InvalidInputError)) throw e;
      refused.set(i, e);
    }
  };
  const seen = new Set<string>();
  services.forEach((svc, i) => {
    const key = ownerKey(svc);
    if (seen.has(key)) {
      refused.set(
        i,
        new InvalidInputError(serviceName(svc), [
          { type: 'Duplicate', field: 'metadata.name', value: svc.metadata.name, detail: '' },
        ]),
      );
    }
    seen.add(key);
  });
  services.forEach((svc, i) => attempt(i, () => allocator.reserveRequested(svc)));
  return services.map((svc, i) => {
    let out: Service | undefined;
    attempt(i, () => (out = allocator.allocate(svc)));
    return refused.get(i) ?? (out as Service);
  });
}
