/**
 * How `lbctl run` treats what it finds (flags `--dry-run`, `--drift`, `--allow-replacement`;
 * docs/running.md). The defaults are the safe ones: repair drift, refuse replacements that change
 * a Service's address, write to the cloud.
 */
export interface ControllerPolicy {
  /** Report-only: plan as usual, publish the plan as an Event and metrics; no cloud, status or finalizer write. */
  dryRun?: boolean;
  /** `report`: drift found by verification is reported as a Warning Event and left as it is. */
  drift?: 'repair' | 'report';
  /** Carry out replacements that change a Service's address without the Service's annotation. */
  allowReplacement?: boolean;
}

/** Per-Service pending changes by action, for `lbctl_pending_changes{action}`; undefined forgets the Service. */
export type PendingChanges = (
  key: string,
  counts: Readonly<Record<string, number>> | undefined,
) => void;
