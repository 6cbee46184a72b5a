import type { ApplyProgress } from './index.js';

const starting = { create: 'Creating...', update: 'Modifying...', delete: 'Destroying...' };
const finished = {
  create: 'Creation complete',
  update: 'Modifications complete',
  delete: 'Destruction complete',
};
const failedWord = { create: 'Creation', update: 'Modification', delete: 'Destruction' };

/**
 * One progress event as Terraform prints it: `aws_lb.this: Creating...`,
 * `aws_lb.this: Creation complete after 2s [id=arn:...]`. `id` is the cloud ID known before
 * the step (updates and deletes show it on the start line, as Terraform does).
 */
export function formatProgress(event: ApplyProgress, knownId?: string): string {
  const idPart = (id: string | undefined) => (id === undefined ? '' : ` [id=${id}]`);
  switch (event.type) {
    case 'start':
      return `${event.address}: ${starting[event.action]}${event.action === 'create' ? '' : idPart(knownId)}`;
    case 'done':
      return `${event.address}: ${finished[event.action]} after ${formatElapsed(event.elapsedMs)}${event.action === 'delete' ? '' : idPart(event.id)}`;
    case 'failed':
      return `${event.address}: ${failedWord[event.action]} failed after ${formatElapsed(event.elapsedMs)}`;
  }
}

/** Terraform's style: `0s`, `12s`, `1m5s`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m === 0 ? `${s}s` : `${m}m${s}s`;
}
