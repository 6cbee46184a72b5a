import type { protos } from '@google-cloud/compute';
import type { AuthClient, GoogleAuth } from 'google-auth-library';

type IOperation = protos.google.cloud.compute.v1.IOperation;

/** A legacy HTTP health check (global `httpHealthChecks`), the only kind a target pool takes. */
export interface CloudHttpHealthCheck {
  name?: string;
  description?: string;
  selfLink?: string;
  host?: string;
  requestPath?: string;
  port?: number;
  checkIntervalSec?: number;
  timeoutSec?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
}

/**
 * The legacy `httpHealthChecks` collection of the Compute API v1, which @google-cloud/compute
 * 6.15 has no client for (docs/gcp.md). lbctl only reads and deletes these (what the in-tree
 * provider left behind, issue 12); requests go through google-auth-library's authorised
 * `request`, the transport the generated clients use, to the public REST paths. Errors are
 * rethrown in the shape the generated clients give (numeric `code`, Google's error JSON as
 * `message`), so classifyGcpError treats them alike.
 */
export class LegacyHttpHealthChecks {
  constructor(
    private readonly auth: Pick<AuthClient | GoogleAuth, 'request'>,
    /** `https://compute.googleapis.com` or the fake's `http://127.0.0.1:PORT`. */
    private readonly origin: string,
  ) {}

  private url(project: string, name?: string): string {
    const base = `${this.origin}/compute/v1/projects/${encodeURIComponent(project)}/global/httpHealthChecks`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  get(project: string, name: string): Promise<CloudHttpHealthCheck> {
    return this.send<CloudHttpHealthCheck>('GET', this.url(project, name));
  }

  insert(project: string, body: CloudHttpHealthCheck): Promise<IOperation> {
    return this.send<IOperation>('POST', this.url(project), body);
  }

  delete(project: string, name: string): Promise<IOperation> {
    return this.send<IOperation>('DELETE', this.url(project, name));
  }

  private async send<T>(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    data?: unknown,
  ): Promise<T> {
    try {
      const res = await this.auth.request<T>({
        url,
        method,
        ...(data === undefined ? {} : { data }),
        responseType: 'json',
        retry: false,
      });
      return res.data;
    } catch (e) {
      throw asGoogleError(e);
    }
  }
}

/** A gaxios HTTP error → `{ code: status, message: <Google error JSON> }`; others as they are. */
function asGoogleError(e: unknown): unknown {
  const r = (e as { response?: { status?: number; data?: unknown } } | undefined)?.response;
  if (r?.status === undefined) return e;
  const err = new Error(typeof r.data === 'string' ? r.data : JSON.stringify(r.data ?? {}), {
    cause: e,
  }) as Error & { code: number; response: unknown };
  err.code = r.status;
  err.response = r;
  return err;
}
