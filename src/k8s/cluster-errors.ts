import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { LbctlError } from '../core/errors.js';

/**
 * A failed read from the cluster in kubectl's words, not client-node's multi-line dump
 * (`HTTP-Code: 401 / Message: ... / Headers: {...}`): a refused connection, missing or wrong
 * credentials, or the API server's own Status message. `what` is what was being read.
 */
export function clusterReadError(e: unknown, kc: KubeConfig, what: string): LbctlError {
  const server = kc.getCurrentCluster()?.server ?? 'the cluster';
  if (e instanceof ApiException) {
    const code = e.code as number;
    if (code === 401) {
      return new LbctlError(
        'invalid',
        `${server}: You must be logged in to the server (the server has asked for the client to provide credentials)`,
        { cause: e },
      );
    }
    const status = statusOf(e.body);
    const reason = status.reason === undefined ? '' : ` ${status.reason}`;
    return new LbctlError(
      code === 429 || code >= 500 ? 'transient' : 'invalid',
      `${server} answered ${what} with ${code}${reason}${status.message === undefined ? '' : `: ${status.message}`}`,
      { cause: e },
    );
  }
  const text = e instanceof Error ? e.message : String(e);
  if (/ECONNREFUSED/.test(text) || (e as { code?: unknown }).code === 'ECONNREFUSED') {
    const host = server.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
    return new LbctlError(
      'transient',
      `The connection to the server ${host} was refused - did you specify the right host or port?`,
      { cause: e },
    );
  }
  return new LbctlError('transient', `${server}: ${what}: ${text}`, { cause: e });
}

/** The `reason` and `message` of a metav1.Status body (an object or its JSON text). */
function statusOf(body: unknown): { reason?: string; message?: string } {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body === '' ? {} : { message: body.slice(0, 300) };
    }
  }
  if (value === null || typeof value !== 'object') return {};
  const { reason, message } = value as { reason?: unknown; message?: unknown };
  return {
    ...(typeof reason === 'string' && reason !== '' ? { reason } : {}),
    ...(typeof message === 'string' && message !== '' ? { message } : {}),
  };
}
