import type { ProviderModule } from '../../src/core/provider.js';
import { modelFromSettings } from './model.js';
import { createGcpProvider } from './provider.js';
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
  connect(settings, options) {
    return createGcpProvider(readSettings(settings), settings.clusterName, {
      calls: options.calls,
    });
  },
};
