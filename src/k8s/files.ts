/**
 * Reading Services and Nodes from files and folders (`lbctl plan -f PATH...`). The only module
 * of the input side that does I/O; parsing and checks are in ./parse.ts and ./shape.ts.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { InvalidInputError, LbctlError } from '../core/errors.js';
import { emptyManifests, InvalidManifestsError, parseManifestText } from './parse.js';
import type { Manifests, ReadOptions, Refused, Sourced } from './parse.js';

export type { Manifests, ReadOptions, Refused, Sourced } from './parse.js';
export { InvalidManifestsError, parseManifestText } from './parse.js';

/** Larger files are refused before they are read (many Services of 3 MiB each at most). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads every path: a file is read whatever its extension; a folder is walked recursively for
 * `.yaml`, `.yml` and `.json` files, in code-point order of their paths so that results never
 * depend on the file system. A file named twice is read once. Two Services (or Nodes) with the
 * same identity are an error naming both places. Throws LbctlError `invalid` with a one-line
 * message for a missing path; every refused object of every file at once as
 * InvalidManifestsError, unless `keepInvalid` (then they are returned in `invalid`).
 */
export async function readManifests(
  paths: readonly string[],
  opts: ReadOptions = {},
): Promise<Manifests> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await expand(path)));
  const out = emptyManifests();
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file)) continue;
    seen.add(file);
    let text: string;
    try {
      const size = (await stat(file)).size;
      if (size > MAX_FILE_BYTES) {
        throw new LbctlError(
          'invalid',
          `${file}: too large: ${size} bytes; lbctl reads files of at most ${MAX_FILE_BYTES} bytes`,
        );
      }
      text = await readFile(file, 'utf8');
    } catch (e) {
      if (e instanceof LbctlError) throw e;
      throw new LbctlError('invalid', `${file}: cannot read: ${(e as Error).message}`, {
        cause: e,
      });
    }
    const parsed = parseManifestText(file, text, { keepInvalid: true });
    out.services.push(...parsed.services);
    out.nodes.push(...parsed.nodes);
    out.notices.push(...parsed.notices);
    out.invalid.push(...parsed.invalid);
  }
  out.services = dropDuplicates(
    out.services,
    (s) => `Service ${s.metadata.namespace ?? 'default'}/${s.metadata.name}`,
    out.invalid,
  );
  out.nodes = dropDuplicates(out.nodes, (n) => `Node ${n.metadata.name}`, out.invalid);
  if (out.invalid.length > 0 && opts.keepInvalid !== true)
    throw new InvalidManifestsError(out.invalid);
  return out;
}

async function expand(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : (e as Error).message;
    throw new LbctlError('invalid', `${path}: ${why}`, { cause: e });
  }
  if (!info.isDirectory()) return [path];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) =>
    byCodePoint(a.name, b.name),
  );
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await expand(full)));
    else if (EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(full);
  }
  return files;
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Later objects of an identity already seen are refused, naming both places. */
function dropDuplicates<T>(
  items: readonly Sourced<T>[],
  identity: (o: T) => string,
  invalid: Refused[],
): Sourced<T>[] {
  const first = new Map<string, Sourced<T>>();
  const kept: Sourced<T>[] = [];
  for (const item of items) {
    const id = identity(item.object);
    const earlier = first.get(id);
    if (earlier !== undefined) {
      const at = (s: Sourced<T>) => `${s.source.file}, document ${s.source.document}`;
      invalid.push({
        source: item.source,
        object: id,
        lines: [
          `${at(item)} (${id}): metadata.name: Duplicate value: also defined in ${at(earlier)}`,
        ],
      });
      continue;
    }
    first.set(id, item);
    kept.push(item);
  }
  return kept;
}

/** `file, document N`, to prefix errors about an object that came from a file. */
export const sourceLabel = (source: Sourced<unknown>['source']): string =>
  `${source.file}, document ${source.document}`;

/**
 * An InvalidInputError about an object read from files (from src/layers or src/intent, which
 * name only `Service ns/name`), re-issued with the file and document in front, in the same
 * form as the reader's own errors: `file, document N (Service ns/name): field: ...`. Other
 * errors, and errors about objects not in `manifests`, are returned unchanged.
 */
export function withSource(error: unknown, manifests: Manifests): unknown {
  if (!(error instanceof InvalidInputError)) return error;
  const match = (kind: string, meta: { name: string; namespace?: string }) =>
    kind === 'Node' ? `Node ${meta.name}` : `${kind} ${meta.namespace ?? 'default'}/${meta.name}`;
  const found = [...manifests.services, ...manifests.nodes].find(
    (s) => match(s.object.kind, s.object.metadata) === error.object,
  );
  if (found === undefined) return error;
  return new InvalidInputError(`${sourceLabel(found.source)} (${error.object})`, error.problems, {
    cause: error,
  });
}
