import type { AuthorizationRecord, SandboxStore } from '../../src/sandbox/index.js';

/** The ServiceAccount infra/deploy ships for `lbctl run`, and the user its token is. */
export const LBCTL_SA = { namespace: 'lbctl-system', name: 'lbctl' } as const;
export const LBCTL_USER = `system:serviceaccount:${LBCTL_SA.namespace}:${LBCTL_SA.name}`;

interface Rule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
}
interface Binding {
  metadata: Record<string, unknown>;
  subjects?: { kind: string; name: string; namespace?: string }[];
  roleRef?: { kind: string; name: string };
}

/** `verb group/resource[/subresource]`, the unit granted and used permissions are compared in. */
export const permission = (d: AuthorizationRecord): string => {
  const a = d.attributes;
  return `${a.verb} ${a.group}/${a.resource}${a.subresource === undefined ? '' : `/${a.subresource}`}`;
};

/** A denial with where it happened, for the failure message. */
const describeDenial = (d: AuthorizationRecord): string => {
  const a = d.attributes;
  const where = a.namespace === undefined ? 'cluster scope' : `namespace ${a.namespace}`;
  return `${permission(d)}${a.name === undefined ? '' : ` "${a.name}"`} (${where})`;
};

/**
 * The authorization decisions the sandbox made for one user (its `onAuthorize` hook), compared
 * with what the stored Roles and ClusterRoles bound to that user grant: a denial is a verb the
 * code needs and the manifests lack; a grant never used is reported, as a candidate to drop.
 */
export class RbacAudit {
  readonly records: AuthorizationRecord[] = [];
  private readonly expected: ((d: AuthorizationRecord) => boolean)[] = [];

  constructor(readonly user: string = LBCTL_USER) {}

  /** The sandbox's `onAuthorize` option. */
  readonly record = (d: AuthorizationRecord): void => {
    if (d.user === this.user) this.records.push(d);
  };

  /** A denial the test provokes on purpose (a Lease in a namespace the Role does not cover). */
  expectDenied(match: (d: AuthorizationRecord) => boolean): void {
    this.expected.push(match);
  }

  /** Denials no test expected, as `verb group/resource "name" (namespace N)`. */
  unexpectedDenials(): string[] {
    return [
      ...new Set(
        this.records
          .filter((d) => !d.allowed && !this.expected.some((m) => m(d)))
          .map(describeDenial),
      ),
    ].sort();
  }

  used(): Set<string> {
    return new Set(this.records.filter((d) => d.allowed).map(permission));
  }

  /** Every permission the Roles and ClusterRoles bound to the user grant (no wildcards expanded). */
  granted(store: SandboxStore): Set<string> {
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(this.user);
    const names = (b: Binding, ns: string | undefined): boolean =>
      (b.subjects ?? []).some((s) =>
        s.kind === 'ServiceAccount'
          ? sa !== null && s.name === sa[2] && (s.namespace ?? ns) === sa[1]
          : s.kind === 'User' && s.name === this.user,
      );
    const out = new Set<string>();
    const add = (role: { rules?: Rule[] } | undefined): void => {
      for (const rule of role?.rules ?? [])
        for (const v of rule.verbs ?? [])
          for (const g of rule.apiGroups ?? [])
            for (const r of rule.resources ?? []) out.add(`${v} ${g}/${r}`);
    };
    const roleOf = (ref: Binding['roleRef'], ns: string | undefined): { rules?: Rule[] } => {
      try {
        const role =
          ref?.kind === 'Role'
            ? store.get('roles.rbac.authorization.k8s.io', ref.name, ns)
            : store.get('clusterroles.rbac.authorization.k8s.io', ref?.name ?? '');
        return role as unknown as { rules?: Rule[] };
      } catch {
        return {}; // a binding to a missing role grants nothing
      }
    };
    const list = (resource: string): Binding[] => store.list(resource) as unknown as Binding[];
    for (const b of list('clusterrolebindings.rbac.authorization.k8s.io'))
      if (names(b, undefined)) add(roleOf(b.roleRef, undefined));
    for (const b of list('rolebindings.rbac.authorization.k8s.io')) {
      const ns = b.metadata['namespace'] as string | undefined;
      if (names(b, ns)) add(roleOf(b.roleRef, ns));
    }
    return out;
  }
}

/** Permissions used and granted over several audits (one test file): the report. */
export class RbacReport {
  private readonly used = new Set<string>();
  private readonly granted = new Set<string>();

  add(audit: RbacAudit, store: SandboxStore): void {
    for (const p of audit.used()) this.used.add(p);
    for (const p of audit.granted(store)) this.granted.add(p);
  }

  unused(): string[] {
    return [...this.granted].filter((p) => !this.used.has(p)).sort();
  }

  /** Printed, not failing: some grants serve paths a scenario does not take. */
  print(what: string): void {
    if (this.granted.size === 0) return;
    // eslint-disable-next-line no-console -- the report issue 13 asks for, in the test output
    console.log(
      `RBAC (${what}): used by lbctl run: ${[...this.used].sort().join(', ') || 'none'}\n` +
        `RBAC (${what}): granted but unused: ${this.unused().join(', ') || 'none'}`,
    );
  }
}
