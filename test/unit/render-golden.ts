// Golden files for render tests: compared byte for byte; `UPDATE_GOLDEN=1` rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden', 'render');

export function expectGolden(file: string, actual: string): void {
  const path = join(dir, file);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`golden file ${path} is missing: run with UPDATE_GOLDEN=1 to write it`);
  }
  expect(actual, `differs from ${path} (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(path, 'utf8'),
  );
}
