import type { ProviderModel, ProviderSettings } from '../../src/core/provider.js';
import { desiredResources, refusedPortsOf } from './desired.js';
import { ingressOf } from './ingress.js';
import { schemas } from './schemas.js';
import { readSettings } from './settings.js';
import type { GcpSettings } from './settings.js';

/** The pure Google Cloud model: no network, no credentials. */
export function createModel(settings: GcpSettings): ProviderModel {
  return {
    name: 'gcp',
    schemas,
    desired: (intent) => desiredResources(intent, settings),
    refusedPorts: refusedPortsOf,
    ingress: ingressOf,
  };
}

export const modelFromSettings = (settings: ProviderSettings): ProviderModel =>
  createModel(readSettings(settings));
