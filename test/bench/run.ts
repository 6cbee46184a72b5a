// `npm run bench [name...]`: runs every test/bench/*.bench.ts (or the named ones) in turn.
// A bench module's default export is an async function that prints its own figures.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`no benchmark matches ${wanted.join(', ') || '*'} in ${dir}\n`);
  process.exit(1);
}
for (const f of files) {
  process.stdout.write(`\n## ${f.replace('.bench.ts', '')}\n`);
  const mod = (await import(new URL(f, import.meta.url).href)) as { default: () => Promise<void> };
  await mod.default();
}
