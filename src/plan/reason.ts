import type { AttributeChange, SetDelta } from '../core/plan.js';

export const CREATE_REASON = 'not in the cloud yet';
export const DELETE_REASON = 'no longer wanted by the Service';
export const NO_OP_REASON = 'matches the cloud';

export const cascadeReason = (address: string): string => `replaced because ${address} is replaced`;

/**
 * Why an existing resource changes, in words: `port changed`, `targets changed: +2 −1`,
 * `scheme changed: forces replacement`. Forcing changes come first and are the only ones
 * named for a replacement, since they are the reason it happens.
 */
export function changeReason(
  changes: readonly AttributeChange[],
  setDeltas: readonly SetDelta[],
): string {
  const forcing = changes.filter((c) => c.forcesReplacement).map((c) => c.path);
  if (forcing.length > 0) return `${listPaths(forcing)} changed: forces replacement`;
  const setPaths = new Set(setDeltas.map((d) => d.path));
  const plain = changes.filter((c) => !setPaths.has(c.path)).map((c) => c.path);
  const parts: string[] = [];
  if (plain.length > 0) parts.push(`${listPaths(plain)} changed`);
  for (const d of setDeltas) parts.push(`${d.path} changed: +${d.add.length} −${d.remove.length}`);
  return parts.join('; ');
}

function listPaths(paths: readonly string[]): string {
  if (paths.length === 1) return paths[0] as string;
  if (paths.length <= 3) return `${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]}`;
  return `${paths.slice(0, 2).join(', ')} and ${paths.length - 2} more`;
}
