import { LbctlError } from '../../src/core/errors.js';
import type { Resource } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import type { Gcp } from './api.js';
import { backendServiceBody, groupURL } from './bodies.js';
import { statusOf } from './classify.js';
import type { CloudAddress, CloudBackendService, CloudForwardingRule } from './convert.js';
import { name, regionScope } from './exec-common.js';
import { getByName } from './lookup.js';
import { T } from './names.js';

/** An in-place change of one resource: as observed, as desired, and the plan's state for references. */
export interface ResourceChange {
  before: Resource;
  after: Resource;
  state: ReadonlyMap<string, Resource>;
}

/** Labels are the only in-place change of addresses and forwarding rules; the fingerprint comes from a fresh GET (412 → read again). */
export async function setLabels(gcp: Gcp, r: Resource): Promise<void> {
  const labels = { ...((r.attributes['labels'] ?? {}) as Record<string, string>) };
  for (let attempt = 0; ; attempt++) {
    const current = (await getByName(gcp, r.type, name(r))) as
      CloudAddress | CloudForwardingRule | undefined;
    if (current === undefined)
      throw new LbctlError('not-found', `${addressOf(r)}: ${name(r)} is gone`);
    const request = { labels, labelFingerprint: current.labelFingerprint ?? '' };
    const p = {
      project: gcp.project,
      region: gcp.region,
      resource: name(r),
      regionSetLabelsRequestResource: request,
    };
    try {
      await gcp.mutate(
        `${r.type === T.address ? 'addresses' : 'forwardingRules'}.setLabels`,
        regionScope(gcp),
        () =>
          r.type === T.address
            ? gcp.clients.addresses.setLabels(p)
            : gcp.clients.forwardingRules.setLabels(p),
      );
      return;
    } catch (e) {
      if (statusOf(e) !== 412 || attempt >= 2) throw e;
    }
  }
}

/** Backends change by delta against the current list, PATCHed with the current fingerprint (412 → read again). */
export async function patchBackendService(gcp: Gcp, change: ResourceChange): Promise<void> {
  const { before, after, state } = change;
  const from = addressOf(after);
  const list = (r: Resource) =>
    Array.isArray(r.attributes['backends']) ? r.attributes['backends'].map(String) : [];
  const add = list(after)
    .filter((b) => !list(before).includes(b))
    .map((b) => groupURL(gcp, state, b, from));
  const removeNames = list(before).filter((b) => !list(after).includes(b));
  const removeURLs = removeNames.map((b) => (state.has(b) ? groupURL(gcp, state, b, from) : b));
  const body = backendServiceBody(gcp, after.attributes, state, from);
  for (let attempt = 0; ; attempt++) {
    const current = (await getByName(gcp, T.backendService, name(after))) as
      CloudBackendService | undefined;
    if (current === undefined) throw new LbctlError('not-found', `${from}: ${name(after)} is gone`);
    const strip = (u: string) => u.replace(/^https:\/\/[^/]+\/compute\/v1\//, '');
    const kept = (current.backends ?? []).filter(
      (b) => !removeURLs.some((u) => strip(u) === strip(b.group ?? '')),
    );
    const added = add
      .filter((u) => !kept.some((b) => strip(b.group ?? '') === strip(u)))
      .map((group) => ({ group, balancingMode: 'CONNECTION' }));
    const patch: CloudBackendService = {
      sessionAffinity: body.sessionAffinity ?? null,
      healthChecks: body.healthChecks ?? [],
      description: body.description ?? '',
      backends: [
        ...kept.map((b) => ({
          group: b.group ?? '',
          balancingMode: b.balancingMode ?? 'CONNECTION',
        })),
        ...added,
      ],
      fingerprint: current.fingerprint ?? '',
    };
    try {
      await gcp.mutate('regionBackendServices.patch', regionScope(gcp), () =>
        gcp.clients.backendServices.patch({
          project: gcp.project,
          region: gcp.region,
          backendService: name(after),
          backendServiceResource: patch,
        }),
      );
      return;
    } catch (e) {
      if (statusOf(e) !== 412 || attempt >= 2) throw e;
    }
  }
}
