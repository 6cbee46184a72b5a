import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { LbctlError } from '../../core/errors.js';
import { keyOf } from '../../core/k8s.js';
import type { Plan } from '../../core/plan.js';
import type { ProviderName } from '../../core/provider.js';
import { addressOf, type Resource } from '../../core/resource.js';
import { fsReason } from '../../core/fs-reason.js';

export const SAVED_PLAN_FORMAT = 'lbctl-plan/1';

/**
 * What `lbctl plan -out FILE` saves and `lbctl apply FILE` executes: the plans, the observed
 * state they were made against (to detect that the cloud changed since), the provider settings
 * from `--set` (credentials are never saved; they come from the environment again), and a
 * SHA-256 digest of all of it so an edited or truncated file is refused.
 */
export interface SavedPlan {
  format: typeof SAVED_PLAN_FORMAT;
  provider: ProviderName;
  clusterName: string;
  settings: Record<string, string>;
  /** What the plan was made against (absent in files saved before lbctl 0.2). */
  observedFrom?: 'none' | 'cloud' | 'snapshot';
  /**
   * `emptiesTargets`: the Service had no eligible Node while its load balancer was live, so
   * applying the plan empties its targets; `apply FILE` refuses that unless
   * `--allow-empty-targets`, as `apply -f` does (absent: false).
   */
  services: { plan: Plan; observed: Resource[]; emptiesTargets?: true }[];
  /** A `plan --orphans` plan: applied after a new sweep (src/cli/planning/orphans.ts). */
  orphans?: true;
}

export async function writeSavedPlan(path: string, saved: SavedPlan): Promise<void> {
  const body = canonicalJson(saved);
  const file = { digest: digestOf(body), ...saved };
  try {
    await writeFile(path, `${JSON.stringify(file, null, 1)}\n`, { mode: 0o600 });
  } catch (e) {
    throw new LbctlError('invalid', `-out ${path}: cannot write the plan: ${fsReason(e)}`, {
      cause: e,
    });
  }
}

export async function readSavedPlan(path: string): Promise<SavedPlan> {
  let json: unknown;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new LbctlError('invalid', `${path}: ${fsReason(e)}`, { cause: e });
  }
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LbctlError('invalid', `${path}: not a saved lbctl plan: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (
    typeof json !== 'object' ||
    json === null ||
    (json as { format?: unknown }).format !== SAVED_PLAN_FORMAT
  ) {
    throw new LbctlError(
      'invalid',
      `${path}: not a saved lbctl plan (expected "format": "${SAVED_PLAN_FORMAT}")`,
    );
  }
  const { digest, ...saved } = json as SavedPlan & { digest?: unknown };
  if (digest !== digestOf(canonicalJson(saved))) {
    throw new LbctlError(
      'invalid',
      `${path}: the saved plan's digest does not match its content; it was edited or is incomplete. Run lbctl plan -out again`,
    );
  }
  return saved;
}

/**
 * Differences between the state a plan was made against and what exists now, as lines
 * (`aws_lb.this changed`); empty when they are the same. IDs and attributes both count.
 */
export function stateDrift(saved: readonly Resource[], current: readonly Resource[]): string[] {
  const before = new Map(saved.map((r) => [addressOf(r), canonicalJson(r)]));
  const now = new Map(current.map((r) => [addressOf(r), canonicalJson(r)]));
  const lines: string[] = [];
  for (const [address, json] of before) {
    const other = now.get(address);
    if (other === undefined) lines.push(`${address} is gone`);
    else if (other !== json) lines.push(`${address} changed`);
  }
  for (const address of now.keys()) if (!before.has(address)) lines.push(`${address} appeared`);
  return lines.sort();
}

/** The desired resources of a plan (its `after` sides), for observe's not-owned name checks. */
export function desiredOf(plan: Plan): Resource[] {
  return plan.steps.flatMap((s) => (s.after === undefined ? [] : [s.after]));
}

export const serviceLabel = (plan: Plan): string => `Service ${keyOf(plan.service)}`;

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

const digestOf = (body: string): string =>
  `sha256:${createHash('sha256').update(body).digest('hex')}`;
