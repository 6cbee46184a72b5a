import type { ProviderModel, ProviderModule } from '../../src/core/provider.js';
import { desiredResources } from './desired.js';
import { fitAdoption } from './in-tree.js';
import { azureIngress } from './ingress.js';
import { observedHealthCheckNodePort, observedNodePorts } from './nodeports.js';
import { refusedPorts } from './limits.js';
import { AZURE_SCHEMAS } from './schemas.js';
import { parseAzureSettings } from './settings.js';

/** The Azure provider: a shared Standard load balancer per cluster, driven through @azure/arm-network. */
export const provider: ProviderModule = {
  name: 'azure',
  model(settings): ProviderModel {
    const s = parseAzureSettings(settings);
    return {
      name: 'azure',
      schemas: AZURE_SCHEMAS,
      desired: (intent) => desiredResources(intent, s),
      ingress: azureIngress,
      observedNodePorts,
      observedHealthCheckNodePort,
      refusedPorts,
      // While the in-tree provider's rules are taken over, the security rules go first (./in-tree.ts).
      fitDesired: fitAdoption,
    };
  },
  isConfigured(settings) {
    const s = parseAzureSettings(settings);
    return s.endpoint !== undefined || s.subscriptionId !== undefined;
  },
  // provider.ts imports the SDK clients: loaded on connect only, so offline plans never pay for it.
  async connect(settings, options) {
    const { connectAzure } = await import('./provider.js');
    return connectAzure(parseAzureSettings(settings), options);
  },
};
