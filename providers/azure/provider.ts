import type { CallLog, Provider } from '../../src/core/provider.js';
import type { AzureSettings } from './settings.js';

/** Creates the SDK clients; no call is made until observe or execute. */
export function connectAzure(_settings: AzureSettings, _options: { calls: CallLog }): Provider {
  throw new Error('azure: observe/execute are not implemented yet (providers/azure/provider.ts)');
}
