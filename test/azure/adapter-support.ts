import { createCallLog } from '../../src/core/calls.js';
import type { Provider } from '../../src/core/provider.js';
import { createAzureProvider } from '../../providers/azure/provider.js';
import { parseAzureSettings } from '../../providers/azure/settings.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { fakeSettings } from './support.js';

/** The real provider (real SDK over HTTPS) pointed at a fake, with zero-delay retries and polls. */
export function providerFor(
  fake: AzureFake,
  extra: Record<string, string> = {},
): Provider & { calls: ReturnType<typeof createCallLog> } {
  const calls = createCallLog();
  const p = createAzureProvider(parseAzureSettings(fakeSettings(fake, extra)), {
    calls,
    ca: fake.ca,
    sleep: () => Promise.resolve(),
    random: () => 0.5,
    lroIntervalMs: 0,
    retry: { retries: 8, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 1 },
  });
  return { ...p, calls };
}
