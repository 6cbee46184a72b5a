import type { Listener, LoadBalancerIntent } from '../../src/core/intent.js';
import type { Protocol } from '../../src/core/k8s.js';
import type { RefusedPort } from '../../src/core/provider.js';

/**
 * ProviderModel.refusedPorts for a cloud that serves only `supported` protocols: every other
 * listener is refused on its own (`ProtocolNotSupported`), worded by `message`, so the pipeline
 * serves the rest.
 */
export function refuseUnsupportedProtocols(
  intent: LoadBalancerIntent,
  supported: readonly Protocol[],
  message: (l: Listener) => string,
): RefusedPort[] {
  return intent.listeners
    .filter((l) => !supported.includes(l.protocol))
    .map((l) => ({
      listener: l.name,
      port: l.port,
      protocol: l.protocol,
      reason: 'ProtocolNotSupported',
      message: message(l),
    }));
}
