/** A path under a served resource: its collection, one object, or a subresource of it. */
export interface ResourceRequest {
  group: string;
  version: string;
  resource: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** The deprecated `/watch/` path form, still served by the API server. */
  legacyWatch: boolean;
}

/** What a request path names: a fixed endpoint or a resource (collection, object, subresource). */
export type Route =
  | { kind: 'version' | 'core-versions' | 'groups' | 'openapi-index' | 'openapi-v2' | 'health' }
  | { kind: 'group'; group: string }
  | { kind: 'resource-list'; group: string; version: string }
  | { kind: 'openapi-doc'; gv: string }
  | ({ kind: 'resource' } & ResourceRequest)
  | { kind: 'unknown' };

const FIXED: Record<string, Route> = {
  '/version': { kind: 'version' },
  '/api': { kind: 'core-versions' },
  '/apis': { kind: 'groups' },
  '/openapi/v3': { kind: 'openapi-index' },
  '/openapi/v2': { kind: 'openapi-v2' },
  '/healthz': { kind: 'health' },
  '/livez': { kind: 'health' },
  '/readyz': { kind: 'health' },
};

export function route(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const fixed = FIXED[path];
  if (fixed !== undefined) return fixed;
  if (path.startsWith('/openapi/v3/'))
    return { kind: 'openapi-doc', gv: path.slice('/openapi/v3/'.length) };
  const segs = path.split('/').slice(1).map(decodeURIComponent);
  if (segs[0] === 'api') {
    const version = segs[1];
    if (version === undefined) return { kind: 'unknown' };
    return segs.length === 2
      ? { kind: 'resource-list', group: '', version }
      : resourceRoute('', version, segs.slice(2));
  }
  if (segs[0] === 'apis') {
    const [group, version] = [segs[1], segs[2]];
    if (group === undefined) return { kind: 'unknown' };
    if (version === undefined) return { kind: 'group', group };
    return segs.length === 3
      ? { kind: 'resource-list', group, version }
      : resourceRoute(group, version, segs.slice(3));
  }
  return { kind: 'unknown' };
}

const NAMESPACE_SUBRESOURCES = ['status', 'finalize'];

function resourceRoute(group: string, version: string, segments: string[]): Route {
  let segs = segments;
  const legacyWatch = segs[0] === 'watch';
  if (legacyWatch) segs = segs.slice(1);
  let namespace: string | undefined;
  const isNamespaceItself =
    group === '' &&
    segs[0] === 'namespaces' &&
    (segs.length <= 2 || (segs.length === 3 && NAMESPACE_SUBRESOURCES.includes(segs[2] ?? '')));
  if (segs[0] === 'namespaces' && !isNamespaceItself) {
    namespace = segs[1];
    segs = segs.slice(2);
  }
  const [resource, name, subresource, ...rest] = segs;
  if (resource === undefined || rest.length > 0 || name === '') return { kind: 'unknown' };
  return { kind: 'resource', group, version, resource, namespace, name, subresource, legacyWatch };
}
