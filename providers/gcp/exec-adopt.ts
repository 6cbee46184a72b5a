import { LbctlError, NotOwnedError } from '../../src/core/errors.js';
import type { Resource } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import type { Gcp } from './api.js';
import { lastSegment } from './api.js';
import { members, name, withCloudValues, zone } from './exec-common.js';
import { changeEndpoints } from './exec-endpoints.js';
import { isDescriptionOwnedBy, isLabelOwnedBy } from './labels.js';
import { getByName, listEndpoints } from './lookup.js';
import { T } from './names.js';

/** 409 on create: adopt the existing resource when this cluster owns it, and converge what can change in place. */
export async function adopt(gcp: Gcp, clusterName: string, r: Resource): Promise<Resource> {
  const existing = (await getByName(
    gcp,
    r.type,
    name(r),
    r.type === T.endpointGroup ? zone(r) : '',
  )) as { labels?: Record<string, string> | null; description?: string | null } | undefined;
  if (existing === undefined)
    throw new LbctlError(
      'conflict',
      `${addressOf(r)}: ${name(r)} existed a moment ago and is gone; retrying`,
    );
  const labelled = r.type === T.address || r.type === T.forwardingRule;
  const owned = labelled
    ? isLabelOwnedBy(existing.labels, clusterName)
    : isDescriptionOwnedBy(existing.description, clusterName);
  if (!owned) {
    throw new NotOwnedError(
      `${addressOf(r)} (${name(r)})`,
      labelled
        ? `it has no label lbctl-cluster for cluster ${clusterName}`
        : `its description does not carry "kubernetes.io/cluster/${clusterName}": "owned"`,
    );
  }
  if (r.type === T.endpointGroup) {
    const current = (await listEndpoints(gcp, zone(r), name(r))).map(lastSegment);
    await changeEndpoints(gcp, r, {
      add: members(r).filter((m) => !current.includes(m)),
      remove: [],
    });
  }
  return withCloudValues(gcp, r);
}
