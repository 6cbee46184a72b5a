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
  isConfigured(settings) {
    const s = readSettings(settings);
    return (
      s.endpoint !== undefined ||
      (s.project !== undefined &&
        (settings.env['GOOGLE_APPLICATION_CREDENTIALS'] !== undefined ||
          settings.values['project'] !== undefined))
    );
  },
  connect() {
    throw new Error(
      'gcp: connect is not implemented yet (the SDK adapter lands in providers/gcp/connect.ts)',
    );
  },
};
