import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InvalidInputError } from '../../../src/core/errors.js';
import { parseManifestText, readManifests, withSource } from '../../../src/k8s/files.js';

const svc = (name: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n  - port: 80\n`;
const node = (name: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name } });

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbctl-files-'));
  await mkdir(join(dir, 'tree', 'sub'), { recursive: true });
  await writeFile(join(dir, 'tree', 'b.yaml'), svc('b'));
  await writeFile(join(dir, 'tree', 'a.yml'), svc('a'));
  await writeFile(join(dir, 'tree', 'sub', 'c.json'), node('c'));
  await writeFile(join(dir, 'tree', 'README.md'), '# not a manifest');
  await writeFile(join(dir, 'dup.yaml'), svc('a'));
  await writeFile(
    join(dir, 'bad.yaml'),
    `${svc('x')}---\n${svc('yy').replace('port: 80', 'port: eighty')}`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readManifests', () => {
  it('walks folders recursively in code-point order, reading only .yaml/.yml/.json', async () => {
    const out = await readManifests([join(dir, 'tree')]);
    expect([...out.services, ...out.nodes].map((s) => s.source.file.slice(dir.length))).toEqual([
      '/tree/a.yml',
      '/tree/b.yaml',
      '/tree/sub/c.json',
    ]);
  });

  it('reads a file named twice once', async () => {
    const file = join(dir, 'tree', 'a.yml');
    expect((await readManifests([file, file])).services).toHaveLength(1);
  });

  it('refuses the same Service in two files, naming both', async () => {
    await expect(readManifests([join(dir, 'tree'), join(dir, 'dup.yaml')])).rejects.toThrow(
      `${join(dir, 'dup.yaml')}, document 1 (Service default/a): metadata.name: Duplicate value: also defined in ${join(dir, 'tree', 'a.yml')}, document 1`,
    );
  });

  it('names the file, document and field of malformed content', async () => {
    await expect(readManifests([join(dir, 'bad.yaml')])).rejects.toThrow(
      `${join(dir, 'bad.yaml')}, document 2 (Service default/yy): spec.ports[0].port: Invalid value: "eighty": must be an integer (line 15)`,
    );
  });

  it('refuses a missing path', async () => {
    await expect(readManifests([join(dir, 'nope.yaml')])).rejects.toThrow(
      `${join(dir, 'nope.yaml')}: no such file or directory`,
    );
  });
});

describe('withSource', () => {
  const manifests = parseManifestText('svc.yaml', svc('a'));

  it('puts file and document in front of an InvalidInputError about a Service from the files', () => {
    const e = new InvalidInputError('Service default/a', [
      { type: 'Required', field: 'spec.ports', detail: '' },
    ]);
    expect((withSource(e, manifests) as Error).message).toBe(
      'svc.yaml, document 1 (Service default/a): spec.ports: Required value',
    );
  });

  it('keeps the problems and the original as cause', () => {
    const e = new InvalidInputError('Service default/a', [
      { type: 'Required', field: 'spec.ports', detail: '' },
    ]);
    const out = withSource(e, manifests) as InvalidInputError;
    expect([out.problems, out.cause]).toEqual([e.problems, e]);
  });

  it('returns errors about other objects unchanged', () => {
    const e = new InvalidInputError('Service default/zzz', [
      { type: 'Required', field: 'spec.ports', detail: '' },
    ]);
    expect(withSource(e, manifests)).toBe(e);
  });

  it('returns other errors unchanged', () => {
    const e = new Error('boom');
    expect(withSource(e, manifests)).toBe(e);
  });
});
