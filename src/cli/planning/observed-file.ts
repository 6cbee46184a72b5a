import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { LbctlError } from '../../core/errors.js';
import { keyOf, type ServiceKey } from '../../core/k8s.js';
import type { Resource, Value } from '../../core/resource.js';
import { fsReason } from '../../core/fs-reason.js';

/**
 * The `--observed FILE` snapshot: the resources that exist in the cloud, per Service, in the
 * same shape `provider.observe` returns (see docs/cli.md):
 *
 *     { "format_version": "1",
 *       "services": [{ "namespace": "default", "name": "web", "uid": "…",
 *                      "resources": [{ "type": "aws_lb", "name": "this", "id": "arn:…",
 *                                      "attributes": { … }, "dependsOn": [] }] }] }
 */
export interface ObservedSnapshot {
  /** Resources by Service key (`namespace/name`). */
  byService: ReadonlyMap<string, { uid?: string; resources: Resource[] }>;
}

const resourceSchema = z.strictObject({
  type: z.string().min(1),
  name: z.string().min(1),
  id: z.string().min(1).optional(),
  attributes: z.record(z.string(), z.json()),
  dependsOn: z.array(z.string()).default([]),
});

const fileSchema = z.strictObject({
  format_version: z.literal('1'),
  services: z.array(
    z.strictObject({
      namespace: z.string().min(1).default('default'),
      name: z.string().min(1),
      uid: z.string().optional(),
      resources: z.array(resourceSchema),
    }),
  ),
});

export async function readObservedFile(path: string): Promise<ObservedSnapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new LbctlError('invalid', `${path}: cannot read the observed snapshot: ${fsReason(e)}`, {
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LbctlError('invalid', `${path}: not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return parseObserved(json, path);
}

/** Validates a snapshot; errors name the file and the JSON path of the first problem. */
export function parseObserved(json: unknown, source: string): ObservedSnapshot {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path =
      issue === undefined
        ? ''
        : issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new LbctlError(
      'invalid',
      `${source}: ${path.replace(/^\./, '') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      { cause: parsed.error },
    );
  }
  const byService = new Map<string, { uid?: string; resources: Resource[] }>();
  for (const [i, s] of parsed.data.services.entries()) {
    const key = keyOf(s);
    if (byService.has(key)) {
      throw new LbctlError('invalid', `${source}: services[${i}]: Service ${key} appears twice`);
    }
    const seen = new Set<string>();
    const resources = s.resources.map((r, j): Resource => {
      const address = `${r.type}.${r.name}`;
      if (seen.has(address)) {
        throw new LbctlError(
          'invalid',
          `${source}: services[${i}].resources[${j}]: ${address} appears twice`,
        );
      }
      seen.add(address);
      return {
        type: r.type,
        name: r.name,
        ...(r.id === undefined ? {} : { id: r.id }),
        attributes: r.attributes as Record<string, Value>,
        dependsOn: r.dependsOn,
      };
    });
    byService.set(key, { ...(s.uid === undefined ? {} : { uid: s.uid }), resources });
  }
  return { byService };
}

/** The snapshot's resources of one Service; a Service the snapshot does not list has none. */
export function observedOf(snapshot: ObservedSnapshot, service: ServiceKey): Resource[] {
  return snapshot.byService.get(keyOf(service))?.resources ?? [];
}
