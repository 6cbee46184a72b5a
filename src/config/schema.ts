import { z } from 'zod';

const seconds = (def: number) => z.coerce.number().positive().max(86_400).default(def);
const bool = z.union([z.boolean(), z.stringbool()]);

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
    clusterName: z
      .string()
      .regex(
        /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
        'must be a DNS label: lower case letters, digits and -, at most 63 characters',
      ),
    kubeconfig: z.string().min(1).optional(),
    loadBalancerClass: z.string().min(1).max(316).optional(),
    workers: z.coerce.number().int().min(1).max(256).default(4),
    verifyIntervalSeconds: z.coerce.number().min(0).max(86_400).default(600),
    provisioningRequeueSeconds: seconds(15),
    metricsBindAddress: bindAddress.default(':8080'),
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
