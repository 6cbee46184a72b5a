import type { ProviderModel, ProviderSettings } from '../../src/core/provider.js';
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
  };
}
