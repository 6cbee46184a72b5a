// The controller's verification budget is a share of each provider's client rates
// (Provider.clientRates): every cloud provider must declare the rates its caller holds to.
import { describe, expect, it } from 'vitest';
import { createCallLog } from '../../src/core/calls.js';
import { createAzureProvider } from '../../providers/azure/provider.js';
import { parseAzureSettings } from '../../providers/azure/settings.js';
import { fakeSettings, startFakeCloud } from '../azure/support.js';
import { startGcp } from '../gcp/support.js';

describe('client rates for the verification budget', () => {
  it("gcp declares Compute's read and write rates per second (1,500 per minute each by default)", async () => {
    const gcp = await startGcp();
    try {
      expect(gcp.provider.clientRates).toEqual({ read: 25, write: 25 });
    } finally {
      await gcp.stop();
    }
  });

  it("azure declares ARM's read, write and delete rates per second", async () => {
    const fake = await startFakeCloud({ lro: 'sync' });
    try {
      const settings = parseAzureSettings(fakeSettings(fake));
      const p = createAzureProvider(settings, { calls: createCallLog(), ca: fake.ca });
      expect(p.clientRates).toEqual({
        read: settings.rates.readPerSecond,
        write: settings.rates.writePerSecond,
        delete: settings.rates.writePerSecond,
      });
      expect(p.clientRates?.['read']).toBeGreaterThan(0);
    } finally {
      await fake.close();
    }
  });
});
