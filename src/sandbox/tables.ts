import type { Column } from './columns.js';
import { ageCol, col, formatLabels, nameCol, orNone } from './columns.js';
import { age } from './duration.js';
import type { JsonObject, KObject } from './json.js';
import { arr, at, isObject, obj, str } from './json.js';
import type { ResourceDef } from './resources.js';
import { fromWire } from './resources.js';
import { INSTALL_TABLES } from './tables-install.js';

/** `includeObject` of a Table request: what each row carries besides its cells. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** printService's EXTERNAL-IP: LoadBalancer ingress (sorted, unique) and externalIPs, else `<pending>`. */
function serviceExternalIP(o: KObject): string {
  const externalIPs = arr(at(o, 'spec.externalIPs')).map(String);
  switch (str(at(o, 'spec.type')) ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = arr(at(o, 'status.loadBalancer.ingress'))
        .map((i) => str(obj(i)?.['ip']) || str(obj(i)?.['hostname']) || '')
        .filter((s) => s !== '');
      const all = [...[...new Set(ingress)].sort(), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(at(o, 'spec.externalName')) ?? '';
    default:
      return '<unknown>';
  }
}

function servicePorts(o: KObject): string {
  const ports = arr(at(o, 'spec.ports')).filter(isObject);
  return orNone(
    ports
      .map((p) => {
        const proto = str(p['protocol']) ?? 'TCP';
        const nodePort =
          typeof p['nodePort'] === 'number' && p['nodePort'] > 0 ? `:${p['nodePort']}` : '';
        return `${String(p['port'])}${nodePort}/${proto}`;
      })
      .join(','),
  );
}

function nodeStatus(o: KObject): string {
  const ready = arr(at(o, 'status.conditions'))
    .filter(isObject)
    .find((c) => c['type'] === 'Ready');
  const parts = [
    ready === undefined ? 'Unknown' : ready['status'] === 'True' ? 'Ready' : 'NotReady',
  ];
  if (at(o, 'spec.unschedulable') === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: KObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj(o.metadata['labels']) ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/'))
      roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && typeof v === 'string') roles.add(v);
  }
  return orNone(
    [...roles]
      .filter((r) => r !== '')
      .sort()
      .join(','),
  );
}

const nodeAddress =
  (type: string) =>
  (o: KObject): string =>
    str(obj(arr(at(o, 'status.addresses')).find((a) => obj(a)?.['type'] === type))?.['address']) ??
    '<none>';
const orUnknown =
  (path: string) =>
  (o: KObject): string =>
    str(at(o, path)) || '<unknown>';

/** Core Event columns; events.k8s.io objects are converted to the core form first. */
function eventLastSeen(o: KObject, now: Date): string {
  const t = str(at(o, 'series.lastObservedTime')) || str(o['lastTimestamp']) || str(o['eventTime']);
  return age(t, now);
}

const TABLES: Record<string, Column[]> = {
  services: [
    nameCol,
    col('Type', (o) => str(at(o, 'spec.type')) ?? 'ClusterIP'),
    col(
      'Cluster-IP',
      (o) => str(arr(at(o, 'spec.clusterIPs'))[0]) ?? str(at(o, 'spec.clusterIP')) ?? '<none>',
    ),
    col('External-IP', serviceExternalIP),
    col('Port(s)', servicePorts),
    ageCol,
    col('Selector', (o) => formatLabels(at(o, 'spec.selector')), 1),
  ],
  nodes: [
    nameCol,
    col('Status', nodeStatus),
    col('Roles', nodeRoles),
    ageCol,
    col('Version', (o) => str(at(o, 'status.nodeInfo.kubeletVersion')) ?? ''),
    col('Internal-IP', nodeAddress('InternalIP'), 1),
    col('External-IP', nodeAddress('ExternalIP'), 1),
    col('OS-Image', orUnknown('status.nodeInfo.osImage'), 1),
    col('Kernel-Version', orUnknown('status.nodeInfo.kernelVersion'), 1),
    col('Container-Runtime', orUnknown('status.nodeInfo.containerRuntimeVersion'), 1),
  ],
  namespaces: [nameCol, col('Status', (o) => str(at(o, 'status.phase')) ?? ''), ageCol],
  events: [
    col('Last Seen', eventLastSeen),
    col('Type', (o) => str(o['type']) ?? ''),
    col('Reason', (o) => str(o['reason']) ?? ''),
    col(
      'Object',
      (o) =>
        `${(str(at(o, 'involvedObject.kind')) ?? '').toLowerCase()}/${str(at(o, 'involvedObject.name')) ?? ''}`,
    ),
    col('Subobject', (o) => str(at(o, 'involvedObject.fieldPath')) ?? '', 1),
    col(
      'Source',
      (o) =>
        [str(at(o, 'source.component')) || str(o['reportingComponent']), str(at(o, 'source.host'))]
          .filter(Boolean)
          .join(', '),
      1,
    ),
    col('Message', (o) => str(o['message']) ?? ''),
    col('First Seen', (o, now) => age(str(o['firstTimestamp']) || str(o['eventTime']), now), 1),
    col('Count', (o) => String(at(o, 'series.count') ?? o['count'] ?? 1), 1),
    col('Name', (o) => String(o.metadata['name']), 1),
  ],
  'endpointslices.discovery.k8s.io': [
    nameCol,
    col('AddressType', (o) => str(o['addressType']) ?? ''),
    col('Ports', (o) =>
      orUnset(
        arr(o['ports'])
          .map((p) => String(obj(p)?.['port'] ?? ''))
          .join(','),
      ),
    ),
    col('Endpoints', (o) =>
      orUnset(
        arr(o['endpoints'])
          .flatMap((e) => arr(obj(e)?.['addresses']))
          .map(String)
          .join(','),
      ),
    ),
    ageCol,
  ],
  'leases.coordination.k8s.io': [
    nameCol,
    col('Holder', (o) => str(at(o, 'spec.holderIdentity')) ?? ''),
    ageCol,
  ],
  ...INSTALL_TABLES,
};

const orUnset = (s: string): string => (s === '' ? '<unset>' : s);

/**
 * A `meta.k8s.io/v1` Table, the server-side printing kubectl asks for: the columns of the
 * API server's printers (kubectl hides priority > 0 unless `-o wide`, and adds NAMESPACE
 * itself for all-namespace lists from each row's object metadata).
 */
export function toTable(opts: {
  def: ResourceDef;
  objects: readonly KObject[];
  now: Date;
  resourceVersion: string;
  includeObject: IncludeObject;
  withColumns?: boolean;
}): JsonObject {
  const columns = TABLES[opts.def.storage] ?? [nameCol, ageCol];
  const rows = opts.objects.map((wire) => {
    const o = fromWire(opts.def, wire);
    return {
      cells: columns.map((c) => c.cell(o, opts.now)),
      ...(opts.includeObject === 'None' ? {} : { object: rowObject(wire, opts.includeObject) }),
    };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: opts.resourceVersion },
    columnDefinitions:
      opts.withColumns === false
        ? []
        : columns.map((c) => ({
            name: c.name,
            type: 'string',
            format: c.format ?? '',
            description: c.description,
            priority: c.priority ?? 0,
          })),
    rows,
  };
}

const rowObject = (wire: KObject, include: IncludeObject): JsonObject =>
  include === 'Object'
    ? wire
    : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: wire.metadata };
