// Configuration of the sweep, the budget and the operator flags (issues 9 and 11).
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/index.js';
import { parseDuration } from '../../src/config/schema.js';

const base = { provider: 'local', clusterName: 'c' };

describe('config: sweep, budget and operator flags', () => {
  it('cautious defaults: report orphans every 6 h, 20 % verification budget, metrics on :8080', () => {
    expect(parseConfig(base)).toMatchObject({
      orphanSweep: 'report',
      orphanSweepInterval: 6 * 3_600_000,
      verifyBudget: 0.2,
      metricsBindAddress: ':8080',
      leaderElect: true,
    });
    expect(parseConfig(base).healthProbeBindAddress).toBeUndefined();
  });

  it('durations as controller-runtime writes them, or seconds; 0 disables', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('3600')).toBe(3_600_000);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('6 hours')).toBeUndefined();
    expect(parseConfig({ ...base, orphanSweepInterval: '30m' }).orphanSweepInterval).toBe(
      1_800_000,
    );
    expect(() => parseConfig({ ...base, orphanSweepInterval: 'soon' })).toThrow(
      /orphanSweepInterval: Invalid value: "soon": must be a duration such as 30m, 6h or 1h30m/,
    );
    expect(() => parseConfig({ ...base, orphanSweep: 'purge' })).toThrow(/orphanSweep/);
    expect(() => parseConfig({ ...base, verifyBudget: '1.5' })).toThrow(/verifyBudget/);
  });

  it('--leader-elect=false, --metrics-bind-address=0 and --health-probe-bind-address from flags and LBCTL_*', async () => {
    const c = await loadConfig({
      env: { LBCTL_HEALTH_PROBE_BIND_ADDRESS: ':8081', LBCTL_ORPHAN_SWEEP: 'delete' },
      flags: { ...base, leaderElect: 'false', metricsBindAddress: '0' },
    });
    expect(c).toMatchObject({
      leaderElect: false,
      metricsBindAddress: '0',
      healthProbeBindAddress: ':8081',
      orphanSweep: 'delete',
    });
    expect(parseConfig({ ...base, leaderElect: true }).leaderElect).toBe(true);
    expect(() => parseConfig({ ...base, metricsBindAddress: '8080' })).toThrow(
      /metricsBindAddress/,
    );
  });
});
