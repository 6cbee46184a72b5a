import { InvalidInputError, LbctlError, NotOwnedError } from '../../core/errors.js';
import { keyOf, type ServiceIdentity } from '../../core/k8s.js';
import type { Provider, ProviderContext, ProviderName } from '../../core/provider.js';
import type { Resource } from '../../core/resource.js';
import { settleShared } from '../../plan/shared.js';
import { mapLimit } from './parallel.js';

/** One Service to observe: who it is and what it wants. */
export interface ToObserve {
  service: ServiceIdentity;
  desired: readonly Resource[];
}

/**
 * What exists for each of the Services of one plan, in order: observed `parallelism` at a time
 * (read-only, rate-limited by the provider's caller), a cloud error naming its Service, and the
 * shared objects settled over all of them (src/plan/shared.ts): one goes only when every Service
 * on it goes. `lbctl plan` and `lbctl apply FILE` both see the cloud through this, so a saved
 * plan compares like for like.
 */
export async function observeAll(
  provider: Provider,
  services: readonly ToObserve[],
  options: { ctx: ProviderContext; parallelism: number; providerName: ProviderName },
): Promise<Resource[][]> {
  const found = await mapLimit(services, options.parallelism, (s) =>
    provider
      .observe({ service: s.service, desired: s.desired, includeShared: true }, options.ctx)
      .catch((e: unknown) =>
        Promise.reject(observeFailed(e, keyOf(s.service), options.providerName)),
      ),
  );
  return settleShared(services.map((s, i) => ({ desired: s.desired, observed: found[i] ?? [] })));
}

/**
 * A cloud error while observing (connection refused, access denied, retries spent) names the
 * Service and what was being done; input and ownership errors already name their object.
 */
export function observeFailed(e: unknown, service: string, provider: ProviderName): unknown {
  if (e instanceof InvalidInputError || e instanceof NotOwnedError) return e;
  const message = `Service ${service}: cannot read what exists in ${provider}: ${e instanceof Error ? e.message : String(e)}`;
  if (e instanceof LbctlError) {
    return new LbctlError(e.kind, message, {
      cause: e,
      ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
    });
  }
  return new LbctlError('terminal', message, { cause: e });
}
