import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';

/** Who makes a request, as kube-apiserver's authenticators name them. */
export interface UserInfo {
  username: string;
  groups: string[];
}

export const ANONYMOUS: UserInfo = {
  username: 'system:anonymous',
  groups: ['system:unauthenticated'],
};

/** The sandbox's administrator: system:masters, which RBAC never denies. */
export const ADMIN: UserInfo = {
  username: 'sandbox-admin',
  groups: ['system:masters', 'system:authenticated'],
};

const SA_PREFIX = 'system:serviceaccount:';

/** The user a ServiceAccount token authenticates as, with the groups the API server adds. */
export const serviceAccountUser = (namespace: string, name: string): UserInfo => ({
  username: `${SA_PREFIX}${namespace}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
});

/** `system:serviceaccount:NS:NAME` → { namespace, name }; undefined for other users. */
export function parseServiceAccount(
  username: string,
): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const [namespace, name, ...rest] = username.slice(SA_PREFIX.length).split(':');
  if (namespace === undefined || name === undefined || rest.length > 0) return undefined;
  return { namespace, name };
}

/**
 * Bearer tokens the sandbox issued (the admin's, TokenRequests for ServiceAccounts). Opaque
 * random strings, not JWTs: nothing outside the sandbox reads them.
 */
export class Tokens {
  private readonly users = new Map<string, UserInfo>();

  issue(user: UserInfo): string {
    const token = `lbctl-sandbox.${randomBytes(24).toString('base64url')}`;
    this.users.set(token, user);
    return token;
  }

  /** The request's user: anonymous without a token; 401 for a token the sandbox never issued. */
  authenticate(req: IncomingMessage): UserInfo {
    const header = req.headers.authorization;
    if (header === undefined) return ANONYMOUS;
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const user = m === null ? undefined : this.users.get(m[1] ?? '');
    if (user === undefined) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    return user;
  }
}
