// What users install: `npm pack` (its prepack build), the tarball installed with production
// dependencies only into an empty folder, and its `lbctl` run; then the container image's final
// stage laid out from infra/Containerfile's COPY lines and its entrypoint run (no container
// engine here). Slow (a TypeScript build and an npm install from the registry or its cache).
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const version = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string })
  .version;

let work: string;
let installed: string;
let packed: string[];

async function lbctl(bin: string, args: string[], cwd: string) {
  try {
    const r = await run(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: work, NO_COLOR: '1' },
      timeout: 120_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lbctl-pack-'));
  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const info = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  packed = info[0]?.files.map((f) => f.path) ?? [];
  installed = join(work, 'app');
  mkdirSync(installed);
  writeFileSync(join(installed, 'package.json'), '{ "name": "try-lbctl", "private": true }\n');
  await run(
    'npm',
    [
      'install',
      '--omit=dev',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(work, info[0]?.filename ?? ''),
    ],
    { cwd: installed, maxBuffer: 64 * 1024 * 1024 },
  );
}, 600_000);

describe('npm pack', () => {
  it('ships the compiled code, the bin and the examples, and neither tests nor TypeScript sources', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'bin/lbctl.js',
        'dist/src/cli/main.js',
        'dist/providers/aws/index.js',
        'examples/services/webserver.yaml',
        'package.json',
      ]),
    );
    expect(
      packed.filter((p) => p.startsWith('test/') || p.startsWith('src/') || p.endsWith('.ts')),
    ).toEqual([]);
  });

  it('installs with production dependencies only: no tsx, no vitest', () => {
    expect(existsSync(join(installed, 'node_modules/lbctl/dist/src/cli/main.js'))).toBe(true);
    expect(existsSync(join(installed, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(installed, 'node_modules/vitest'))).toBe(false);
  });

  const bin = () => join(installed, 'node_modules/.bin/lbctl');
  const pkg = () => join(installed, 'node_modules/lbctl');

  it('runs lbctl --version and lbctl plan on the bundled examples', async () => {
    expect((await lbctl(bin(), ['--version'], installed)).stdout).toBe(`lbctl ${version}\n`);
    const plan = await lbctl(
      bin(),
      [
        'plan',
        '-f',
        `${pkg()}/examples/services`,
        '-f',
        `${pkg()}/examples/nodes/aws.yaml`,
        '--provider',
        'aws',
        '--offline',
      ],
      installed,
    );
    expect(plan.stderr).not.toMatch(/Error/);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^Plan: \d+ to add, 0 to change, 0 to destroy\.$/m);
  }, 120_000);

  it('runs lbctl run --help and lbctl demo', async () => {
    const help = await lbctl(bin(), ['run', '--help'], installed);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--context <name>');
    const demo = await lbctl(bin(), ['demo', '--no-color'], installed);
    expect(demo.stderr).not.toMatch(/Error/);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('EXTERNAL-IP');
  }, 120_000);
});

describe('infra/Containerfile', () => {
  const lines = readFileSync(`${root}infra/Containerfile`, 'utf8').split('\n');
  const copies = lines.filter((l) => l.startsWith('COPY '));

  it('copies into the build stage only files that exist', () => {
    const sources = copies
      .filter((l) => !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(existsSync(join(root, s)), s).toBe(true);
  });

  it('lays out the final stage from its COPY lines, and the entrypoint runs without tsx or the sources', async () => {
    const app = join(work, 'image', 'app');
    mkdirSync(app, { recursive: true });
    for (const l of copies.filter((c) => c.includes('--from=build'))) {
      const [, , from, to] = l.split(/\s+/) as [string, string, string, string];
      const what = from.replace(/^\/src\//, '');
      const target = join(app, to);
      // The build stage's node_modules is the production install (npm prune --omit=dev).
      if (what === 'node_modules') symlinkSync(join(installed, 'node_modules'), target);
      else cpSync(join(root, what), target, { recursive: true });
    }
    expect(existsSync(join(app, 'src'))).toBe(false);
    const entry = /^ENTRYPOINT \["[^"]+", "([^"]+)"\]$/m.exec(lines.join('\n'))?.[1] ?? '';
    expect(entry).toBe('/app/bin/lbctl.js');
    const bin = join(app, entry.replace(/^\/app\//, ''));
    expect((await lbctl(bin, ['version'], app)).stdout).toBe(`lbctl ${version}\n`);
    const help = await lbctl(bin, ['run', '--help'], app);
    expect(help.code).toBe(0);
    const demo = await lbctl(bin, ['demo', '--no-color'], app);
    expect(demo.code).toBe(0);
  }, 120_000);
});
