#!/usr/bin/env node
// A development checkout (src/ next to this file, after `npm ci`) runs the TypeScript sources
// through tsx, so what runs is always what is checked out; an installed package or the container
// image has only the compiled dist/ and runs it with plain node. LBCTL_COMPILED=1 runs dist/ in
// a checkout too (after `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const hasCompiled = existsSync(fileURLToPath(compiled));
const wantsSource =
  existsSync(fileURLToPath(source)) && !(process.env.LBCTL_COMPILED === '1' && hasCompiled);
let entry = compiled.href;
if (wantsSource || !hasCompiled) {
  const tsx = await import('tsx/esm/api').catch(() => undefined);
  if (tsx !== undefined) {
    tsx.register();
    entry = source.href;
  } else if (!hasCompiled) {
    process.stderr.write(
      'Error: lbctl is not built and tsx is not installed: run `npm ci`, or `npm run build`\n',
    );
    process.exit(1);
  }
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
