import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { ProviderModel, ProviderSettings, RefusedPort } from '../../src/core/provider.js';
import { keepAdoptedShape } from './adopted-shape.js';
import { refuseUnsupportedProtocols } from '../shared/refused-ports.js';
import { desiredResources } from './desired.js';
import { ingressOf } from './ingress.js';
import { observedHealthCheckNodePort, observedNodePorts } from './nodeports.js';
import { awsSchemas } from './schemas.js';
import { parseSettings } from './settings.js';

/** The pure AWS model: settings are validated once, here; nothing touches the network. */
export function awsModel(settings: ProviderSettings): ProviderModel {
  const parsed = parseSettings(settings);
  return {
    name: 'aws',
    schemas: awsSchemas,
    desired: (intent) => desiredResources(intent, parsed),
    ingress: ingressOf,
    observedNodePorts,
    observedHealthCheckNodePort,
    refusedPorts,
    // An NLB adopted from the in-tree provider keeps its shape on every plan (./adopt.ts).
    fitDesired: keepAdoptedShape,
  };
}

/**
 * NLB listener protocols are TCP, UDP, TLS and TCP_UDP ("Listeners for your Network Load
 * Balancers"); a Service port with SCTP is refused on its own, so the other ports are served.
 */
export const refusedPorts = (intent: LoadBalancerIntent): RefusedPort[] =>
  refuseUnsupportedProtocols(
    intent,
    ['TCP', 'UDP'],
    (l) =>
      `AWS network load balancers do not serve SCTP (port ${l.name} ${l.port}/SCTP): their listeners take TCP, UDP, TLS or TCP_UDP`,
  );
