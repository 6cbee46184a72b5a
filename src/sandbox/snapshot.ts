import { readFile, rename, writeFile } from 'node:fs/promises';
import { isObject } from './json.js';
import type { StoreDump } from './store.js';

/** Reads a snapshot written by `saveSnapshot`; a missing file is an empty start. */
export async function loadSnapshot(file: string): Promise<StoreDump | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`sandbox snapshot ${file} is not valid JSON`, { cause: e });
  }
  if (
    !isObject(parsed) ||
    typeof parsed['resourceVersion'] !== 'number' ||
    !isObject(parsed['objects'])
  ) {
    throw new Error(
      `sandbox snapshot ${file} has no resourceVersion and objects: it was not written by lbctl sandbox`,
    );
  }
  return parsed as unknown as StoreDump;
}

/** Writes atomically (temporary file, then rename), so a crash never leaves half a snapshot. */
export async function saveSnapshot(file: string, dump: StoreDump): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(dump), 'utf8');
  await rename(tmp, file);
}
