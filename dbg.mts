import { startSandbox } from './src/sandbox/index.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
const run = promisify(execFile);
const s = await startSandbox({ kubeconfigPath: '/tmp/dbg-kc', authorization: 'RBAC' });
const k = async (...a: string[]) => { try { const r = await run('kubectl', ['--kubeconfig', '/tmp/dbg-kc', '--cache-dir', '/tmp/dbg-cache2', ...a]); return r.stdout + r.stderr; } catch (e: any) { return e.stdout + e.stderr; } };
console.log((await k('get', 'svc', '-v=9')).split('\n').filter(l=>/curl/.test(l)).join('\n').slice(0,1500));
await s.close();
