import { readFile } from 'node:fs/promises';
import { readYaml } from '../k8s/yaml.js';
import { fsReason } from '../core/fs-reason.js';
import type { z } from 'zod';
import { InvalidInputError, type FieldProblem } from '../core/errors.js';
import { configSchema, type Config } from './schema.js';

export { configSchema, type Config } from './schema.js';

/** The keys that can come from flags and the environment (`set` comes from repeated `--set`). */
const KEYS = Object.keys(configSchema.shape).filter((k) => k !== 'set');

const envName = (key: string): string =>
  `LBCTL_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/**
 * Configuration from a file (YAML or JSON), the environment (`LBCTL_CLUSTER_NAME`, ...) and
 * flags, later sources winning in that order. Every invalid field is reported at once in one
 * InvalidInputError; nothing starts with a half-valid configuration.
 */
export async function loadConfig(options: {
  file?: string;
  env: Readonly<Record<string, string | undefined>>;
  flags: Readonly<Record<string, unknown>>;
}): Promise<Config> {
  const fromFile = options.file === undefined ? {} : await readConfigFile(options.file);
  const fromEnv: Record<string, unknown> = {};
  for (const key of KEYS) {
    const v = options.env[envName(key)];
    if (v !== undefined && v !== '') fromEnv[key] = v;
  }
  if (fromEnv['kubeconfig'] === undefined && options.env['KUBECONFIG']) {
    fromEnv['kubeconfig'] = options.env['KUBECONFIG'];
  }
  if (fromEnv['leaderElectionNamespace'] === undefined && options.env['POD_NAMESPACE']) {
    fromEnv['leaderElectionNamespace'] = options.env['POD_NAMESPACE'];
  }
  const flags = Object.fromEntries(
    Object.entries(options.flags).filter(([, v]) => v !== undefined),
  );
  const merged = {
    ...fromFile,
    ...fromEnv,
    ...flags,
    set: { ...(asRecord(fromFile['set']) ?? {}), ...(asRecord(flags['set']) ?? {}) },
  };
  return parseConfig(merged, options.file);
}

export function parseConfig(input: unknown, source?: string): Config {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidInputError(
    `lbctl configuration${source === undefined ? '' : ` (${source})`}`,
    problemsOf(result.error, input),
  );
}

function problemsOf(error: z.ZodError, input: unknown): FieldProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        type: 'Invalid',
        field: issue.keys.join(', '),
        detail: `unknown field(s); known: ${Object.keys(configSchema.shape).join(', ')}`,
        value: issue.keys,
      };
    }
    const field = issue.path.map(String).join('.') || '(root)';
    const value = issue.path.reduce<unknown>(
      (o, k) =>
        o !== null && typeof o === 'object' ? (o as Record<PropertyKey, unknown>)[k] : undefined,
      input,
    );
    if (value === undefined) {
      const missing = issue.code === 'invalid_type';
      return { type: 'Required', field, detail: missing ? howToGive(issue.path) : issue.message };
    }
    const detail =
      issue.code === 'invalid_type' && issue.expected === 'number'
        ? 'must be a number'
        : issue.message;
    return { type: 'Invalid', field, value, detail };
  });
}

/** Where a missing top-level setting can come from: its flag, its variable, the config file. */
function howToGive(path: readonly PropertyKey[]): string {
  const key = path.map(String).join('.');
  if (path.length !== 1) return `set ${key} in the --config file`;
  const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const env = envName(key);
  return `pass --${flag}, set ${env}, or give ${key} in the --config file`;
}

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InvalidInputError(`lbctl configuration`, [
      {
        type: 'Invalid',
        field: '--config',
        value: file,
        detail: `cannot be read: ${fsReason(e)}`,
      },
    ]);
  }
  // lbctl's one YAML reader (src/k8s/yaml.ts): go-yaml's scalars, as in Kubernetes manifests,
  // and a nesting limit checked before composing (a deep file cannot abort the process).
  const doc = readYaml(text).documents[0];
  if (doc?.error !== undefined) {
    throw new InvalidInputError(`lbctl configuration (${file})`, [
      {
        type: 'Invalid',
        field: '(file)',
        value: file,
        detail: `is not YAML or JSON: ${doc.error}`,
      },
    ]);
  }
  const parsed: unknown = doc?.value;
  if (parsed === null || parsed === undefined) return {};
  const record = asRecord(parsed);
  if (record === undefined) {
    throw new InvalidInputError(`lbctl configuration (${file})`, [
      {
        type: 'Invalid',
        field: '(file)',
        value: file,
        detail: 'must be a mapping of field names to values',
      },
    ]);
  }
  return record;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}
