// Resolve hook (node:module `register`): records what was resolved, changes nothing.
import { appendFileSync } from 'node:fs';
import process from 'node:process';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const log = process.env['LBCTL_MODULE_LOG'];
  if (log !== undefined) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
