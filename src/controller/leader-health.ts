import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { codeOf } from './kube-metrics.js';

/**
 * What leader-election failures say about this replica. A 404 (the Lease's namespace does not
 * exist) or a 403 (RBAC forbids the Lease) will not fix itself: the replica can never lead, so
 * it is not ready and says why at `error`. Other failures (timeouts, 5xx) are logged at `error`
 * too, with the reason, but do not change readiness. A failure is logged when its message
 * changes and at most once a minute while it repeats, so a crash-looping election is visible
 * without flooding the log.
 */
export class LeaderHealth {
  private blocked: string | undefined;
  private lastMessage = '';
  private lastLoggedAt = -Infinity;

  constructor(
    private readonly o: { logger: Logger; clock: Clock; namespace: string; name: string },
  ) {}

  /** The reason this replica cannot lead, or undefined. */
  cannotLead(): string | undefined {
    return this.blocked;
  }

  failed(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    const code = codeOf(e);
    const lease = `${this.o.namespace}/${this.o.name}`;
    if (code === '404' || code === '403') {
      this.blocked =
        code === '404'
          ? `cannot lead: the leader-election Lease ${lease} cannot be created (does namespace ${this.o.namespace} exist? set --leader-election-namespace): ${message}`
          : `cannot lead: access to the leader-election Lease ${lease} is forbidden (check the Role and RoleBinding): ${message}`;
    }
    const now = this.o.clock.now();
    if (message === this.lastMessage && now - this.lastLoggedAt < 60_000) return;
    this.lastMessage = message;
    this.lastLoggedAt = now;
    this.o.logger.error(
      { err: message, code, lease, ...(this.blocked === undefined ? {} : { ready: false }) },
      this.blocked ?? 'leader election attempt failed; retrying',
    );
  }

  /** An attempt reached the Lease (held by us or another): whatever blocked us is gone. */
  succeeded(): void {
    if (this.blocked !== undefined) {
      this.o.logger.info(
        { lease: `${this.o.namespace}/${this.o.name}` },
        'leader election works again',
      );
    }
    this.blocked = undefined;
    this.lastMessage = '';
  }
}
