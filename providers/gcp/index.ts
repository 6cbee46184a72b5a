import type { ProviderModule } from '../../src/core/provider.js';
import { modelFromSettings } from './model.js';
import { readSettings } from './settings.js';

/**
 * Google Cloud: an external or internal passthrough Network Load Balancer per Service, in
 * Google's backend-service design. See docs/gcp.md.
 */
export const provider: ProviderModule = {
  name: 'gcp',
  model: modelFromSettings,
  /** An endpoint override (the fake) or a project (from --set, LBCTL_GCP_PROJECT or GOOGLE_CLOUD_PROJECT) means: observe the cloud. */
  isConfigured(settings) {
    const s = readSettings(settings);
    return s.endpoint !== undefined || s.project !== undefined;
  },
  // provider.ts imports the SDK clients: loaded on connect only, so offline plans never pay for it.
  async connect(settings, options) {
    const { createGcpProvider } = await import('./provider.js');
    const s = readSettings(settings);
    if (s.endpoint === undefined) await (await import('./clients.js')).requireCredentials();
    return createGcpProvider(s, settings.clusterName, {
      calls: options.calls,
    });
  },
};
