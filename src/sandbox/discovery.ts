import type { JsonObject } from './json.js';
import type { ResourceDef } from './resources.js';
import { RESOURCES, VERBS } from './resources.js';
import { REVIEWS } from './reviews.js';

/** The Kubernetes minor version the sandbox answers as: kubectl 1.32 must see no version skew. */
export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0' };

export function version(): JsonObject {
  return {
    ...KUBE_VERSION,
    gitCommit: 'lbctl-sandbox',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'n/a',
    compiler: 'lbctl-sandbox',
    platform: `${process.platform}/${process.arch}`,
  };
}

export function coreVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

const ALL: readonly { group: string; version: string }[] = [...RESOURCES, ...REVIEWS];
const groupsServed = (): string[] => [
  ...new Set(ALL.filter((d) => d.group !== '').map((d) => d.group)),
];

const groupOf = (name: string): JsonObject => {
  const versions = [...new Set(ALL.filter((d) => d.group === name).map((d) => d.version))].map(
    (v) => ({
      groupVersion: `${name}/${v}`,
      version: v,
    }),
  );
  return { name, versions, preferredVersion: versions[0] ?? {} };
};

export function groupList(): JsonObject {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupsServed().map(groupOf) };
}

export function group(name: string): JsonObject | undefined {
  return groupsServed().includes(name)
    ? { kind: 'APIGroup', apiVersion: 'v1', ...groupOf(name) }
    : undefined;
}

/** APIResourceList of a group version, with verbs, short names, categories and subresources. */
export function resourceList(groupName: string, version: string): JsonObject | undefined {
  const defs = RESOURCES.filter((d) => d.group === groupName && d.version === version);
  const reviews = REVIEWS.filter((r) => r.group === groupName && r.version === version);
  if (defs.length === 0 && reviews.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupName ? `${groupName}/${version}` : version,
    resources: [
      ...defs.flatMap((d) => [resourceEntry(d), ...(d.hasStatus ? [statusEntry(d)] : [])]),
      ...reviews.map((r) => ({
        name: r.resource,
        singularName: r.kind.toLowerCase(),
        namespaced: false,
        kind: r.kind,
        verbs: ['create'],
      })),
    ],
  };
}

const resourceEntry = (d: ResourceDef): JsonObject => ({
  name: d.resource,
  singularName: d.singular,
  namespaced: d.namespaced,
  kind: d.kind,
  verbs: VERBS,
  ...(d.shortNames.length > 0 ? { shortNames: d.shortNames } : {}),
  ...(d.categories.length > 0 ? { categories: d.categories } : {}),
});

const statusEntry = (d: ResourceDef): JsonObject => ({
  name: `${d.resource}/status`,
  singularName: '',
  namespaced: d.namespaced,
  kind: d.kind,
  verbs: ['get', 'patch', 'update'],
});
