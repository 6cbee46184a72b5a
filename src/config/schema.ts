import { z } from 'zod';
import { CLUSTER_NAME_ALLOWED, CLUSTER_NAME_RULE } from '../core/tags.js';

const seconds = (def: number) => z.coerce.number().positive().max(86_400).default(def);
const bool = z.union([z.boolean(), z.stringbool()], {
  error: 'must be true or false (also 1/0, yes/no, on/off)',
});

/**
 * A Go-style duration (`90s`, `30m`, `6h`, `1h30m`), as controller-runtime flags take them, or
 * a plain number of seconds; parsed to milliseconds. `0` means off.
 */
const duration = (def: string) =>
  z
    .union([z.number(), z.string()])
    .default(def)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined || ms > 30 * 86_400_000) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a duration such as 30m, 6h or 1h30m (at most 720h), or 0 to disable',
        });
        return z.NEVER;
      }
      return ms;
    });

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function parseDuration(v: number | string): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 1000 : undefined;
  const text = v.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(n) * UNIT_MS[unit!]!;
  }
  return total;
}

/** `host:port`; an empty host means every interface. Port 0 picks a free one. */
const bindAddress = z
  .string()
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/,
    'must be host:port, e.g. :8080 or 127.0.0.1:8080',
  );

/**
 * `lbctl run`'s configuration. The same names are used in the config file (camelCase), as
 * flags (kebab-case) and as LBCTL_* environment variables (upper snake case).
 */
export const configSchema = z
  .strictObject({
    provider: z.enum(['aws', 'gcp', 'azure', 'local']),
    clusterName: z.string().regex(CLUSTER_NAME_RULE, CLUSTER_NAME_ALLOWED),
    kubeconfig: z.string().min(1).optional(),
    loadBalancerClass: z.string().min(1).max(316).optional(),
    workers: z.coerce.number().int().min(1).max(256).default(4),
    verifyIntervalSeconds: z.coerce.number().min(0).max(86_400).default(600),
    /** Share of each API class's client rate that drift verification may use (0 < share <= 1). */
    verifyBudget: z.coerce.number().gt(0).max(1).default(0.2),
    /**
     * The ownership sweep: `report` (default: log and count orphans, delete nothing) or
     * `delete`. Deleting is irreversible and a mistaken --cluster-name would make another
     * cluster's resources look orphaned, so deleting is something an operator turns on.
     */
    orphanSweep: z.enum(['report', 'delete']).default('report'),
    /** How often the sweep lists the account; it is the one call that does, hence hours. 0 = off. */
    orphanSweepInterval: duration('6h'),
    provisioningRequeueSeconds: seconds(15),
    /** `/metrics` (and the probes, unless healthProbeBindAddress is set); `0` disables it. */
    metricsBindAddress: z.union([z.literal('0'), bindAddress]).default(':8080'),
    /** `/healthz` and `/readyz` on their own address (controller-runtime's :8081); `0` disables them. */
    healthProbeBindAddress: z.union([z.literal('0'), bindAddress]).optional(),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
    leaderElect: bool.default(true),
    leaderElectionNamespace: z.string().min(1).default('lbctl-system'),
    leaderElectionName: z.string().min(1).default('lbctl'),
    leaseDurationSeconds: seconds(15),
    renewDeadlineSeconds: seconds(10),
    retryPeriodSeconds: seconds(2),
    /** Report-only: plan and publish, write nothing (docs/running.md, "Dry run"). */
    dryRun: bool.default(false),
    /** `report`: drift found by verification is reported, not repaired. */
    drift: z.enum(['repair', 'report']).default('repair'),
    /** Carry out replacements that change a Service's address (docs/cli.md, "Replacement guardrails"). */
    allowReplacement: bool.default(false),
    /** Take over the load balancers the in-tree cloud provider made, Service by Service (docs/migrating.md). */
    adopt: bool.default(false),
    /** Provider settings (`--set key=value`), validated by the provider itself. */
    set: z.record(z.string(), z.string()).default({}),
  })
  .superRefine((c, ctx) => {
    if (!(
      c.leaseDurationSeconds > c.renewDeadlineSeconds &&
      c.renewDeadlineSeconds > c.retryPeriodSeconds * 1.2
    )) {
      ctx.addIssue({
        code: 'custom',
        path: ['renewDeadlineSeconds'],
        message: 'needs leaseDurationSeconds > renewDeadlineSeconds > 1.2 × retryPeriodSeconds',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigKey = keyof z.input<typeof configSchema>;
