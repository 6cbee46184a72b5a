// kubectl's -f forms: comma lists, `-` for standard input, folders with -R only recursive.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandFileArgs, readInputs } from '../../src/cli/planning/inputs.js';
import { serviceYaml } from './support.js';

async function tree() {
  const dir = await mkdtemp(join(tmpdir(), 'lbctl-inputs-'));
  await mkdir(join(dir, 'sub'));
  await writeFile(
    join(dir, 'a.yaml'),
    serviceYaml('a', '00000000-0000-4000-8000-00000000000a', [80]),
  );
  await writeFile(join(dir, 'notes.txt'), 'not a manifest');
  await writeFile(
    join(dir, 'sub', 'b.yml'),
    serviceYaml('b', '00000000-0000-4000-8000-00000000000b', [80]),
  );
  return dir;
}

describe('expandFileArgs', () => {
  it('a folder gives its own files; its sub-folders only with -R', async () => {
    const dir = await tree();
    expect(await expandFileArgs([dir], { recursive: false })).toEqual([join(dir, 'a.yaml')]);
    expect(await expandFileArgs([dir], { recursive: true })).toEqual([dir]);
    const all = await readInputs(await expandFileArgs([dir], { recursive: true }), undefined);
    expect(all.services.map((s) => s.object.metadata.name)).toEqual(['a', 'b']);
  });

  it('refuses a URL, which kubectl would download, and says how to pipe it in', async () => {
    await expect(
      expandFileArgs(['a.yaml,https://example.com/svc.yaml'], { recursive: false }),
    ).rejects.toThrow(
      "-f https://example.com/svc.yaml: lbctl reads files, folders and - (standard input), not URLs; pipe it in: curl -fsSL 'https://example.com/svc.yaml' | lbctl ... -f -",
    );
  });

  it('splits comma lists and keeps `-` for standard input, once', async () => {
    expect(await expandFileArgs(['x.yaml,-', 'y.yaml'], { recursive: false })).toEqual([
      'x.yaml',
      '-',
      'y.yaml',
    ]);
    await expect(expandFileArgs(['-', '-'], { recursive: false })).rejects.toThrow(
      'standard input can be read only once',
    );
  });
});

describe('readInputs', () => {
  it('reads standard input as STDIN and refuses a Service a file also defines', async () => {
    const dir = await tree();
    const piped = await readInputs(['-'], () =>
      Promise.resolve(serviceYaml('c', '00000000-0000-4000-8000-00000000000c', [80])),
    );
    expect(piped.services.map((s) => [s.object.metadata.name, s.source.file])).toEqual([
      ['c', 'STDIN'],
    ]);
    await expect(
      readInputs(['-', join(dir, 'a.yaml')], () =>
        Promise.resolve(serviceYaml('a', '00000000-0000-4000-8000-0000000000ff', [80])),
      ),
    ).rejects.toThrow('STDIN, document 1 (Service default/a): metadata.name: Duplicate value');
  });
});
