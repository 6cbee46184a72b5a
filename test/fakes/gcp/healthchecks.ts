import { invalid } from './errors.js';
import type { At } from './regional.js';
import { common } from './regional.js';
import type { Json, Store } from './store.js';
import { intIn, oneOf } from './validate.js';

/** Regional health checks, checked as the Compute API v1 does. */
export function newHealthCheck(store: Store, at: At, body: Json): Json {
  const out = common(store, at, body, {
    collection: 'healthChecks',
    kind: 'compute#healthCheck',
  });
  return { ...out, ...healthCheckFields(body, {}) };
}

const HEALTH_CHECK_TYPES = ['TCP', 'HTTP', 'HTTPS', 'SSL', 'HTTP2'] as const;

/** The updatable part of a health check; `current` supplies what a PATCH leaves out. */
export function healthCheckFields(body: Json, current: Json): Json {
  const type = oneOf('resource.type', body['type'] ?? current['type'], HEALTH_CHECK_TYPES);
  const blockName = `${type.toLowerCase()}HealthCheck`;
  // HealthCheck: "the type must match the one ...HealthCheck field that is set" (Compute v1
  // REST reference, healthChecks); a merge-PATCHed type change keeps the old block and is refused.
  const stale = HEALTH_CHECK_TYPES.map((t) => `${t.toLowerCase()}HealthCheck`).find(
    (b) => b !== blockName && body[b] !== undefined && body[b] !== null,
  );
  if (stale !== undefined)
    throw invalid(
      `resource.${stale}`,
      JSON.stringify(body[stale]),
      `A health check of type ${type} may only set ${blockName}.`,
    );
  const block = (body[blockName] ??
    (body['type'] === undefined ? current[blockName] : undefined) ??
    {}) as Json;
  const port = intIn(`resource.${blockName}.port`, block['port'], {
    min: 1,
    max: 65535,
    fallback: type === 'HTTPS' ? 443 : 80,
  });
  const fields: Json = { port, proxyHeader: 'NONE' };
  if (type.startsWith('HTTP')) {
    const requestPath = block['requestPath'] ?? '/';
    if (typeof requestPath !== 'string' || !requestPath.startsWith('/'))
      throw invalid(`resource.${blockName}.requestPath`, requestPath, "Must start with '/'.");
    fields['requestPath'] = requestPath;
  }
  const pick = (k: string, min: number, max: number, dflt: number) =>
    intIn(`resource.${k}`, body[k] ?? current[k], { min, max, fallback: dflt });
  const checkIntervalSec = pick('checkIntervalSec', 1, 300, 5);
  const timeoutSec = pick('timeoutSec', 1, 300, 5);
  if (timeoutSec > checkIntervalSec)
    throw invalid(
      'resource.timeoutSec',
      timeoutSec,
      'TimeoutSec should be less than checkIntervalSec.',
    );
  return {
    type,
    [blockName]: fields,
    checkIntervalSec,
    timeoutSec,
    healthyThreshold: pick('healthyThreshold', 1, 10, 2),
    unhealthyThreshold: pick('unhealthyThreshold', 1, 10, 2),
  };
}
