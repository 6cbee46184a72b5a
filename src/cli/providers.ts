import { InvalidInputError, LbctlError } from '../core/errors.js';
import type { ProviderModule, ProviderName, ProviderSettings } from '../core/provider.js';

/** The providers `--provider` accepts. `local` is the controller's in-process provider. */
export const PROVIDER_NAMES: readonly ProviderName[] = ['aws', 'gcp', 'azure', 'local'];

/** Loads a provider module; injectable so commands can be tested with an in-memory provider. */
export type ProviderLoader = (name: ProviderName) => Promise<ProviderModule>;

export function parseProviderName(value: string): ProviderName {
  const name = PROVIDER_NAMES.find((n) => n === value);
  if (name === undefined) {
    throw new InvalidInputError('lbctl', [
      {
        type: 'Unsupported',
        field: '--provider',
        value,
        detail: `supported values: ${PROVIDER_NAMES.map((n) => `"${n}"`).join(', ')}`,
      },
    ]);
  }
  return name;
}

/**
 * The composition root: imports `providers/<name>/index.js` only when asked, so that
 * `lbctl plan --provider gcp` never loads the AWS or Azure SDKs.
 */
export const loadProvider: ProviderLoader = async (name) => {
  let mod: { provider?: ProviderModule };
  // A computed specifier, so bundlers and vite leave it to the runtime's resolver (tsx, vitest and
  // compiled dist all map it to the provider's module).
  const specifier = `../../providers/${name}/index.js`;
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as { provider?: ProviderModule };
  } catch (e) {
    if (isModuleNotFound(e, name)) {
      throw new LbctlError(
        'invalid',
        `provider "${name}" is not available in this build of lbctl`,
        { cause: e },
      );
    }
    throw e;
  }
  const provider = mod.provider;
  if (provider === undefined || provider.name !== name || typeof provider.model !== 'function') {
    throw new LbctlError(
      'terminal',
      `providers/${name}/index.js does not export a ProviderModule named "${name}" as \`provider\``,
    );
  }
  return provider;
};

function isModuleNotFound(e: unknown, name: string): boolean {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : '';
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    message.includes(`providers/${name}/index`)
  );
}

/**
 * Provider settings from repeated `--set key=value` flags (the later of two equal keys wins),
 * plus the environment, which each provider reads for its `LBCTL_<PROVIDER>_<KEY>` variables.
 */
export function settingsFrom(options: {
  clusterName: string;
  set: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}): ProviderSettings {
  const values: Record<string, string> = {};
  for (const pair of options.set) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new InvalidInputError('lbctl', [
        { type: 'Invalid', field: '--set', value: pair, detail: 'expected key=value' },
      ]);
    }
    values[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { clusterName: options.clusterName, values, env: options.env };
}
