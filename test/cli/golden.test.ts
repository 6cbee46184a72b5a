// Golden plans: the JSON render of every bundled example Service on every provider, as
// `lbctl plan --json` prints it with nothing observed. A change to layers, intent, a provider's
// desired builder, the planner or the JSON renderer shows up here as a reviewed file diff.
// Refresh after an intended change with: UPDATE_GOLDEN=1 npx vitest run test/cli/golden.test.ts
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planFromFiles } from '../../src/cli/planning/from-files.js';
import { loadProvider } from '../../src/cli/providers.js';
import type { ProviderName } from '../../src/core/provider.js';
import { renderJson } from '../../src/render/json.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';
const examples = `${root}examples/services`;

/** Providers whose module exists on this branch; each gets goldens as it lands. */
const providers = (['aws', 'gcp', 'azure'] as const).filter((p) =>
  existsSync(`${root}providers/${p}/index.ts`),
);

/** Settings a provider needs for some examples (GCP internal load balancers need a subnetwork). */
const settings: Record<string, string[]> = { gcp: ['subnetwork=nodes'] };

const serviceFiles = existsSync(examples)
  ? readdirSync(examples)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .sort()
  : [];

describe.each(providers)('golden plans on %s', (provider: ProviderName) => {
  it.each(serviceFiles)('%s', async (file) => {
    const planned = await planFromFiles({
      files: [`${examples}/${file}`, `${root}examples/nodes/${provider}.yaml`],
      provider,
      clusterName: 'demo',
      set: settings[provider] ?? [],
      env: {},
      connect: 'never',
      loadProvider,
      notice: () => undefined,
    });
    expect(planned.services.length).toBeGreaterThan(0);
    const actual = `${JSON.stringify(renderJson(planned.services.map((s) => s.plan)), null, 2)}\n`;
    const golden = `${root}test/golden/plans/${provider}/${file.replace(/\.(ya?ml|json)$/, '')}.json`;
    if (update || !existsSync(golden)) {
      if (!update)
        throw new Error(
          `${golden} is missing: run UPDATE_GOLDEN=1 npx vitest run test/cli/golden.test.ts`,
        );
      mkdirSync(`${root}test/golden/plans/${provider}`, { recursive: true });
      writeFileSync(golden, actual);
    }
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });
});

it('has example Services and at least one provider to plan them on', () => {
  expect(serviceFiles.length).toBeGreaterThan(0);
  expect(providers.length).toBeGreaterThan(0);
});
