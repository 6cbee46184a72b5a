import type { IncomingMessage } from 'node:http';
import { ArmError } from './arm.js';

/** If-Match / If-None-Match as ARM evaluates them (412 PreconditionFailed). */
export function checkPreconditions(req: IncomingMessage, etag: string | undefined): void {
  const ifMatch = header(req, 'if-match');
  const ifNoneMatch = header(req, 'if-none-match');
  const failed = () =>
    new ArmError(
      412,
      'PreconditionFailed',
      `The condition specified using HTTP conditional header(s) is not met (current etag ${etag ?? 'none'}).`,
    );
  if (ifMatch !== undefined && (etag === undefined || (ifMatch !== '*' && ifMatch !== etag)))
    throw failed();
  if (ifNoneMatch === '*' && etag !== undefined) throw failed();
}

export const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
