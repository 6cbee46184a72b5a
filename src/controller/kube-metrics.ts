import { ApiException } from '@kubernetes/client-node';
import type { KubeApi } from './kube.js';

/** Records one API request: HTTP method and status code, as client-go's rest_client_requests_total. */
export type RequestRecorder = (method: string, code: string) => void;

const METHODS: Record<keyof KubeApi, [method: string, okCode: string]> = {
  getService: ['GET', '200'],
  updateService: ['PUT', '200'],
  patchServiceStatus: ['PATCH', '200'],
  createEvent: ['POST', '201'],
  patchEvent: ['PATCH', '200'],
  getLease: ['GET', '200'],
  createLease: ['POST', '201'],
  updateLease: ['PUT', '200'],
};

/**
 * The KubeApi with every request counted by method and code. A get that finds nothing was a
 * 404; an error carries the API server's code when it answered, `<error>` when it did not (the
 * label client-go uses for a request that got no response).
 */
export function instrumentKubeApi(api: KubeApi, record: RequestRecorder): KubeApi {
  const out = {} as Record<string, unknown>;
  for (const [name, [method, ok]] of Object.entries(METHODS)) {
    const fn = (api as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!;
    out[name] = async (...args: unknown[]) => {
      try {
        const result = await fn.apply(api, args);
        record(method, method === 'GET' && result === undefined ? '404' : ok);
        return result;
      } catch (e) {
        record(method, codeOf(e));
        throw e;
      }
    };
  }
  return out as unknown as KubeApi;
}

/** Wraps a list call of the informers the same way (GET). */
export function countedList<T>(list: () => Promise<T>, record: RequestRecorder): () => Promise<T> {
  return async () => {
    try {
      const result = await list();
      record('GET', '200');
      return result;
    } catch (e) {
      record('GET', codeOf(e));
      throw e;
    }
  };
}

export function codeOf(e: unknown): string {
  for (let c: unknown = e; c !== undefined && c !== null; c = (c as { cause?: unknown }).cause) {
    if (c instanceof ApiException) return String(c.code);
  }
  return '<error>';
}
