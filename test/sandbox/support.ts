import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';

/** Upper bound for anything a test waits for; nothing in these tests should come close. */
export const WAIT_MS = 10_000;

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A sandbox plus a private folder (kubectl cache dir, HOME, manifests), removed by `close`. */
export interface TestEnv {
  sandbox: Sandbox;
  dir: string;
  kubectl(args: readonly string[], input?: string): Promise<KubectlResult>;
  /** Starts a long-running kubectl (`get -w`, `delete`) whose output is read as it comes. */
  kubectlStream(args: readonly string[]): KubectlStream;
  file(name: string, content: string): Promise<string>;
  close(): Promise<void>;
}

export async function testEnv(opts: SandboxOptions = {}): Promise<TestEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'lbctl-sandbox-test-'));
  const sandbox = await startSandbox({ kubeconfigPath: join(dir, 'kubeconfig'), ...opts });
  const streams: KubectlStream[] = [];
  const argv = (args: readonly string[]): string[] => [
    '--kubeconfig',
    sandbox.kubeconfigPath,
    '--cache-dir',
    join(dir, 'cache'),
    ...args,
  ];
  const env = { ...process.env, HOME: dir, KUBECONFIG: sandbox.kubeconfigPath, NO_COLOR: '1' };
  return {
    sandbox,
    dir,
    kubectl: (args, input) => runKubectl(argv(args), env, input),
    kubectlStream: (args) => {
      const s = new KubectlStream(argv(args), env);
      streams.push(s);
      return s;
    },
    file: async (name, content) => {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    close: async () => {
      streams.forEach((s) => s.kill());
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function runKubectl(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** A running kubectl whose output lines can be awaited; killed by the test env at the latest. */
export class KubectlStream {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child;
  private readonly waiters: (() => void)[] = [];

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn('kubectl', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const wake = (): void => this.waiters.splice(0).forEach((w) => w());
    this.child.stdout.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      wake();
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      wake();
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
    void this.exited.then(wake);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first stdout line matching, or fails after WAIT_MS with what was seen. */
  async line(pattern: RegExp): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.stdout.split('\n').find((l) => pattern.test(l));
      if (found !== undefined) return found;
      if (!this.running || Date.now() > deadline) {
        throw new Error(
          `kubectl printed no line matching ${String(pattern)}:\n${this.stdout}\n${this.stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  kill(): void {
    if (this.running) this.child.kill('SIGTERM');
  }
}

/**
 * Resolves when `check` returns a value other than undefined; `check` runs now and again on
 * every notification from `subscribe` (an informer callback, a watch event), never on a timer.
 */
export function until<T>(
  subscribe: (notify: () => void) => () => void,
  check: () => T | undefined,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let unsubscribe = (): void => undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`));
    }, WAIT_MS);
    const attempt = (): boolean => {
      const v = check();
      if (v === undefined) return false;
      clearTimeout(timer);
      unsubscribe();
      resolve(v);
      return true;
    };
    unsubscribe = subscribe(() => void attempt());
    attempt();
  });
}

export const SEED_SERVICES = `apiVersion: v1
kind: Service
metadata:
  name: myapp-service
spec:
  type: LoadBalancer
  selector:
    app: myapp
  ports:
    - port: 80
      targetPort: 80
      nodePort: 30008
---
apiVersion: v1
kind: Service
metadata:
  name: frontend-svc
spec:
  selector:
    app: frontend
  ports:
    - port: 80
      targetPort: 5000
---
apiVersion: v1
kind: Service
metadata:
  name: webserver
spec:
  selector:
    app: webserver
  ports:
    - port: 80
`;

/** Splits `kubectl get` output into rows of cells (columns are separated by 2+ spaces). */
export function table(output: string): string[][] {
  return output
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}
