import { InvalidInputError } from '../../src/core/errors.js';

/**
 * `--set KEY=VALUE` with a key the provider does not know: one wording for every provider,
 * naming each unknown key and the keys there are (a typo is the usual cause).
 */
export function refuseUnknownSettingKeys(
  object: string,
  values: Readonly<Record<string, string>>,
  keys: readonly string[],
): void {
  const unknown = Object.keys(values).filter((k) => !keys.includes(k));
  if (unknown.length === 0) return;
  throw new InvalidInputError(
    object,
    unknown.map((key) => ({
      type: 'NotSupported',
      field: `--set ${key}`,
      value: key,
      detail: `supported keys: ${keys.join(', ')}`,
    })),
  );
}
