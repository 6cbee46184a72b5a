import type { Json, KObject } from './json.js';
import { at, isObject } from './json.js';
import { metaFields, text } from './fields.js';
import * as K from './kinds.js';
import { INSTALL_RESOURCES } from './resources-install.js';
import type { Schema } from './schema.js';

/** The naming rule the API server applies to `metadata.name` of a kind. */
export type NameRule = 'dns1035-label' | 'dns1123-label' | 'dns1123-subdomain' | 'path-segment';

/** One REST resource the sandbox serves (group, version, plural) and how it behaves. */
export interface ResourceDef {
  group: string;
  version: string;
  /** Plural, as in the URL: `services`. */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Has a `status` subresource: the main resource ignores status, `/status` changes only status. */
  hasStatus: boolean;
  schema: Schema;
  /** Objects live under this key; core/v1 and events.k8s.io/v1 Events share one storage. */
  storage: string;
  nameRule: NameRule;
  /** Field selectors this resource accepts, read from the wire form. */
  fields: Record<string, (o: KObject) => string>;
  /** The object has metadata.generation, bumped on every spec change (Deployments, PDBs). */
  generation?: boolean;
  /** AllowCreateOnUpdate of the API server's strategy: PUT to a missing object creates it. */
  createOnUpdate?: boolean;
  /** Converts between the storage form and this version's wire form (Events only). */
  toWire?: (o: KObject) => KObject;
  fromWire?: (o: KObject) => KObject;
}

export const VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export const apiVersionOf = (d: ResourceDef): string =>
  d.group ? `${d.group}/${d.version}` : d.version;

const refFields = (prefix: string): Record<string, (o: KObject) => string> =>
  Object.fromEntries(
    ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f) => [
      `${prefix}.${f}`,
      text(`${prefix}.${f}`),
    ]),
  );

/** Core Event field ↔ events.k8s.io/v1 Event field (the API server's own conversion). */
const EVENT_FIELDS: [string, string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];

function renameFields(o: KObject, pairs: [string, string][], apiVersion: string): KObject {
  const out: KObject = { ...o, apiVersion };
  for (const [from, to] of pairs) {
    delete out[from];
    const v: Json | undefined = o[from];
    if (v !== undefined) out[to] = v;
  }
  return out;
}

const core = (
  d: Partial<ResourceDef> & Pick<ResourceDef, 'resource' | 'kind' | 'schema' | 'namespaced'>,
): ResourceDef => ({
  group: '',
  version: 'v1',
  singular: d.kind.toLowerCase(),
  shortNames: [],
  categories: [],
  hasStatus: false,
  storage: d.resource,
  nameRule: 'dns1123-subdomain',
  fields: metaFields(d.namespaced),
  ...d,
});

export const RESOURCES: readonly ResourceDef[] = [
  core({
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    hasStatus: true,
    schema: K.service,
    nameRule: 'dns1035-label',
    createOnUpdate: true,
    fields: {
      ...metaFields(true),
      'spec.type': text('spec.type'),
      'spec.clusterIP': text('spec.clusterIP'),
    },
  }),
  core({
    resource: 'nodes',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    hasStatus: true,
    schema: K.node,
    fields: {
      ...metaFields(false),
      'spec.unschedulable': (o) => String(at(o, 'spec.unschedulable') === true),
    },
  }),
  core({
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    hasStatus: true,
    schema: K.namespace,
    nameRule: 'dns1123-label',
    fields: { ...metaFields(false), 'status.phase': text('status.phase') },
  }),
  core({
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    schema: K.coreEvent,
    createOnUpdate: true,
    fields: {
      ...metaFields(true),
      ...refFields('involvedObject'),
      reason: text('reason'),
      reportingComponent: text('reportingComponent'),
      source: text('source.component'),
      type: text('type'),
    },
  }),
  {
    group: 'events.k8s.io',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    singular: 'event',
    namespaced: true,
    // No short name: kubectl would warn that `ev` is ambiguous; `ev` means core/v1 events.
    shortNames: [],
    categories: [],
    hasStatus: false,
    schema: K.eventsV1Event,
    createOnUpdate: true,
    storage: 'events',
    nameRule: 'dns1123-subdomain',
    fields: {
      ...metaFields(true),
      ...refFields('regarding'),
      reason: text('reason'),
      reportingController: text('reportingController'),
      type: text('type'),
    },
    toWire: (o) => renameFields(o, EVENT_FIELDS, 'events.k8s.io/v1'),
    fromWire: (o) =>
      renameFields(
        o,
        EVENT_FIELDS.map(([a, b]) => [b, a]),
        'v1',
      ),
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    kind: 'EndpointSlice',
    singular: 'endpointslice',
    namespaced: true,
    shortNames: [],
    categories: [],
    hasStatus: false,
    schema: K.endpointSlice,
    storage: 'endpointslices.discovery.k8s.io',
    nameRule: 'dns1123-subdomain',
    fields: { ...metaFields(true), addressType: text('addressType') },
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    kind: 'Lease',
    singular: 'lease',
    namespaced: true,
    shortNames: [],
    categories: [],
    hasStatus: false,
    schema: K.lease,
    createOnUpdate: true,
    storage: 'leases.coordination.k8s.io',
    nameRule: 'dns1123-subdomain',
    fields: metaFields(true),
  },
  ...INSTALL_RESOURCES,
];

export function findResource(
  group: string,
  version: string,
  resource: string,
): ResourceDef | undefined {
  return RESOURCES.find(
    (d) => d.group === group && d.version === version && d.resource === resource,
  );
}

/** The resource a kind is stored as, for tests and the demo: `resourceFor('Service')`. */
export function resourceFor(kindOrResource: string, group = ''): ResourceDef {
  const d = RESOURCES.find(
    (r) => r.group === group && (r.kind === kindOrResource || r.resource === kindOrResource),
  );
  if (d === undefined)
    throw new TypeError(`the sandbox serves no resource "${kindOrResource}" in group "${group}"`);
  return d;
}

export const toWire = (d: ResourceDef, o: KObject): KObject =>
  d.toWire === undefined
    ? { ...o, apiVersion: apiVersionOf(d), kind: d.kind }
    : { ...d.toWire(o), kind: d.kind };

export const fromWire = (d: ResourceDef, o: KObject): KObject =>
  d.fromWire === undefined ? o : d.fromWire(o);

export const hasMetadata = (v: unknown): v is KObject => isObject(v) && isObject(v['metadata']);
