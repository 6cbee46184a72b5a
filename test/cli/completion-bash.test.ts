// `source <(lbctl completion bash)` in a real bash: what the user gets at each TAB.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFiles } from './support.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/lbctl.js', import.meta.url));
let script: string;
let dir: string;

beforeAll(async () => {
  script = (await run(process.execPath, [bin, 'completion', 'bash'])).stdout;
  const f = await writeFiles({ 'svc.yaml': '' });
  dir = f['svc.yaml']!.replace(/\/svc\.yaml$/, '');
  mkdirSync(`${dir}/services`);
  writeFileSync(`${dir}/services/web.yaml`, '');
}, 60_000);

/** The words bash offers after `words` (the last one being completed). */
async function complete(...words: string[]): Promise<string[]> {
  const body = `${script}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_lbctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const { stdout } = await run('bash', ['-c', body], { cwd: dir });
  return stdout.split('\n').filter((l) => l !== '');
}

describe('lbctl completion bash, sourced in bash', () => {
  it('completes commands, options and provider names', async () => {
    expect(await complete('lbctl', 'pl')).toEqual(['plan']);
    expect(await complete('lbctl', 'plan', '--pro')).toEqual(['--provider']);
    expect((await complete('lbctl', 'plan', '--provider', 'a')).sort()).toEqual(['aws', 'azure']);
    expect(await complete('lbctl', 'run', '--dry')).toEqual(['--dry-run']);
  });

  it('offers the shells after completion, files after -f', async () => {
    expect(await complete('lbctl', 'completion', '')).toEqual(['bash', 'zsh']);
    expect(await complete('lbctl', 'plan', '-f', 'sv')).toEqual(['svc.yaml']);
    expect(await complete('lbctl', 'plan', '-f', 'services/')).toEqual(['services/web.yaml']);
  });
});
