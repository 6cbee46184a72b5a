import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { LbctlError } from '../../core/errors.js';
import {
  parseManifestText,
  readManifests,
  type Manifests,
  type ReadOptions,
} from '../../k8s/files.js';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** `-f -`: standard input, named `STDIN` in messages as kubectl does. */
export const STDIN = '-';

/**
 * kubectl's `-f` rules: each value may list several paths separated by commas; `-` is standard
 * input (once); a URL is refused (kubectl would download it); a folder contributes its own `.yaml`, `.yml` and `.json` files, and the files
 * of its sub-folders only with `-R` / `--recursive`. Returns the paths for readManifests (which
 * walks whatever folder it is given: with -R the folder is passed as it is).
 */
export async function expandFileArgs(
  values: readonly string[],
  options: { recursive: boolean },
): Promise<string[]> {
  const paths = values.flatMap((v) => v.split(',')).filter((p) => p !== '');
  if (paths.filter((p) => p === '-').length > 1) {
    throw new LbctlError('invalid', '-f -: standard input can be read only once');
  }
  const url = paths.find((p) => /^https?:\/\//i.test(p));
  if (url !== undefined) {
    // kubectl downloads a URL given with -f; lbctl reads no network input, so say so plainly.
    throw new LbctlError(
      'invalid',
      `-f ${url}: lbctl reads files, folders and - (standard input), not URLs; pipe it in: curl -fsSL '${url}' | lbctl ... -f -`,
    );
  }
  const out: string[] = [];
  for (const path of paths) {
    if (path === STDIN) out.push(STDIN);
    else if (options.recursive || !(await isDirectory(path))) out.push(path);
    else out.push(...(await topLevelFiles(path)));
  }
  return out;
}

/** The `-f` values as messages name them: `a.yaml, b.yaml, STDIN`. */
export const describeInputs = (values: readonly string[]): string =>
  values
    .flatMap((v) => v.split(','))
    .filter((p) => p !== '')
    .map((p) => (p === STDIN ? 'STDIN' : p))
    .join(', ');

/**
 * ` (sub-folders are read only with -R)` when a folder given with -f has sub-folders and -R was
 * not given: said next to "no Service found", the usual reason for it. '' otherwise.
 */
export async function recursionHint(
  values: readonly string[],
  options: { recursive: boolean },
): Promise<string> {
  if (options.recursive) return '';
  for (const path of values.flatMap((v) => v.split(',')).filter((p) => p !== '' && p !== STDIN)) {
    if (!(await isDirectory(path))) continue;
    const entries = await readdir(path, { withFileTypes: true });
    if (entries.some((e) => e.isDirectory())) return ' (sub-folders are read only with -R)';
  }
  return '';
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // readManifests reports the missing path in its own words.
  }
}

async function topLevelFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory() && EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(dir, e.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * readManifests, plus standard input where `-` stands. Standard input is read with the
 * caller's `stdin` (a pipe or a socket, which cannot be opened by path). A Service or Node in
 * standard input that a file also defines is refused, as readManifests refuses it across files.
 */
export async function readInputs(
  paths: readonly string[],
  stdin: (() => Promise<string>) | undefined,
  opts: ReadOptions = {},
): Promise<Manifests> {
  const files = await readManifests(
    paths.filter((p) => p !== STDIN),
    opts,
  );
  if (!paths.includes(STDIN)) return files;
  if (stdin === undefined) throw new LbctlError('invalid', '-f -: no standard input to read');
  const piped = parseManifestText('STDIN', await stdin(), opts);
  const ids = new Set([
    ...files.services.map(
      (s) => `Service ${s.object.metadata.namespace ?? 'default'}/${s.object.metadata.name}`,
    ),
    ...files.nodes.map((n) => `Node ${n.object.metadata.name}`),
  ]);
  for (const s of piped.services) {
    const id = `Service ${s.object.metadata.namespace ?? 'default'}/${s.object.metadata.name}`;
    if (ids.has(id)) throw duplicate(id, s.source.document);
  }
  for (const n of piped.nodes) {
    const id = `Node ${n.object.metadata.name}`;
    if (ids.has(id)) throw duplicate(id, n.source.document);
  }
  return {
    services: [...piped.services, ...files.services],
    nodes: [...piped.nodes, ...files.nodes],
    notices: [...piped.notices, ...files.notices],
    invalid: [...piped.invalid, ...files.invalid],
  };
}

const duplicate = (id: string, document: number): LbctlError =>
  new LbctlError(
    'invalid',
    `STDIN, document ${document} (${id}): metadata.name: Duplicate value: also defined in a file given with -f`,
  );

/** All of the process's standard input, as text. */
export async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
