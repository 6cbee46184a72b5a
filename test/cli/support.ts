import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandDeps } from '../../src/cli/planning/io.js';
import type { ProviderLoader } from '../../src/cli/providers.js';

/** CommandDeps that record stdout and stderr, with a clock that advances 1 s per read. */
export function recordingDeps(options: {
  loadProvider: ProviderLoader;
  env?: Record<string, string>;
  now?: () => number;
}) {
  const out: string[] = [];
  const err: string[] = [];
  let t = 0;
  const deps: CommandDeps = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    interactive: false,
    colorCapable: false,
    ask: () => Promise.resolve('yes'),
    env: options.env ?? {},
    loadProvider: options.loadProvider,
    now: options.now ?? (() => (t += 1_000)),
    trapInterrupts: () => ({ signal: new AbortController().signal, release: () => undefined }),
  };
  return {
    deps,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    clear: () => {
      out.length = 0;
      err.length = 0;
    },
  };
}

/** A Service of type LoadBalancer whose ports have no nodePort: files mode allocates them. */
export const serviceYaml = (name: string, uid: string, ports: number[]): string => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default, uid: ${uid} }
spec:
  type: LoadBalancer
  selector: { app: ${name} }
  ports:
${ports.map((p) => `  - { name: p${p}, port: ${p}, targetPort: 8080 }`).join('\n')}
`;

/** Writes `files` (name → text) into a new temporary folder; returns name → path. */
export async function writeFiles(files: Record<string, string>): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'lbctl-cli-'));
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    out[name] = join(dir, name);
    await writeFile(out[name], text);
  }
  return out;
}
