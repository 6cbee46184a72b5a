import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { WAIT_MS } from './support.js';

const BIN = fileURLToPath(new URL('../../bin/lbctl.js', import.meta.url));

it('lbctl sandbox serves until SIGINT, with a kubeconfig and a snapshot', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lbctl-sandbox-cli-'));
  const kubeconfig = join(dir, 'kc');
  const snapshot = join(dir, 'state.json');
  const child = spawn(
    process.execPath,
    [BIN, 'sandbox', '--kubeconfig', kubeconfig, '--snapshot', snapshot],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS * 2);
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /at (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m?.[1] !== undefined && out.includes('Ctrl-C')) resolve(m[1]);
      });
      void exited.then(() => reject(new Error(`lbctl sandbox exited early: ${out}`)));
    });
    expect(out).toContain(`export KUBECONFIG=${kubeconfig}`);
    expect(await readFile(kubeconfig, 'utf8')).toContain(`server: ${url}`);
    const created = await fetch(`${url}/api/v1/namespaces/default/services`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } }),
    });
    expect(created.status).toBe(201);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const state = JSON.parse(await readFile(snapshot, 'utf8')) as {
      objects: { services: { metadata: { name: string } }[] };
    };
    // The API server's own `kubernetes` Service is created at start, like in a real cluster.
    expect(state.objects.services.map((s) => s.metadata.name)).toEqual(['kubernetes', 'web']);
  } finally {
    clearTimeout(killer);
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

it('lbctl sandbox refuses an unknown --authorization mode, naming the allowed ones', async () => {
  const child = spawn(process.execPath, [BIN, 'sandbox', '--authorization', 'abac'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).not.toBe(0);
  expect(err).toContain('--authorization must be "rbac" or "always-allow", got "abac"');
});
