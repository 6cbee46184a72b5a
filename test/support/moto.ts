import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** A running moto server (the AWS emulator) on a free loopback port, owned by the test file that started it. */
export interface Moto {
  /** `http://127.0.0.1:<port>`: ELBv2 and EC2 share it. */
  readonly endpoint: string;
  readonly port: number;
  /** Clears every resource (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  "moto could not start: install it with `pip install 'moto[server]'` (python3 -m moto.server must run)";

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts `python3 -m moto.server -H 127.0.0.1 -p <free port>` and resolves once it says it is
 * running. Fails with the install hint when python or moto is missing or it does not come up
 * within `timeoutMs`.
 */
export async function startMoto(
  options: { timeoutMs?: number; python?: string } = {},
): Promise<Moto> {
  const port = await freePort();
  const child = spawn(
    options.python ?? 'python3',
    ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await waitUntilRunning(child, port, options.timeoutMs ?? 15_000);
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    stop: () => stopChild(child),
  };
}

function waitUntilRunning(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${INSTALL_HINT}. ${why}${output ? `\n${output.slice(-2000)}` : ''}`));
    };
    const timer = setTimeout(
      () => fail(`It did not report running on port ${port} within ${timeoutMs} ms.`),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`Running on http://127.0.0.1:${port}`)) {
        clearTimeout(timer);
        // Keep draining so a full pipe never blocks the server.
        child.stdout?.removeAllListeners('data').resume();
        child.stderr?.removeAllListeners('data').resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (e) => fail(`Spawning it failed: ${e.message}.`));
    child.once('exit', (code) => fail(`It exited with code ${String(code)}.`));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * One moto per test file (vitest runs files in separate workers, so they never share state),
 * reset before every test. Returns a getter because moto starts in `beforeAll`.
 */
export function useMoto(): () => Moto {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
  });
  beforeEach(async () => {
    await moto?.reset();
  });
  afterAll(async () => {
    await moto?.stop();
  });
  return () => {
    if (moto === undefined)
      throw new Error(
        'moto is not running (useMoto() must be called at the top of a describe or file)',
      );
    return moto;
  };
}
