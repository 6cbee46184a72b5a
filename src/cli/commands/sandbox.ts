import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { startSandbox } from '../../sandbox/index.js';
import type { SetExitCode } from './index.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`--port must be an integer between 0 and 65535, got "${value}"`);
  }
  return port;
}

/** `lbctl sandbox`: the embedded Kubernetes API server, by hand, until Ctrl-C. */
export function registerSandbox(program: Command, setExitCode: SetExitCode): void {
  program
    .command('sandbox')
    .description(
      'run a local Kubernetes API server (services, nodes, events...) on 127.0.0.1 for kubectl and lbctl',
    )
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)', parsePort)
    .option('--kubeconfig <path>', 'where to write the kubeconfig for it', './sandbox.kubeconfig')
    .option('--snapshot <file>', 'load state from this file and save it there on changes')
    .action(async (opts: { port?: number; kubeconfig: string; snapshot?: string }) => {
      const sandbox = await startSandbox({
        ...(opts.port === undefined ? {} : { port: opts.port }),
        kubeconfigPath: opts.kubeconfig,
        ...(opts.snapshot === undefined ? {} : { snapshotFile: opts.snapshot }),
      });
      process.stdout.write(
        [
          `lbctl sandbox: Kubernetes API (v1.32) at ${sandbox.url}`,
          `kubeconfig written to ${sandbox.kubeconfigPath}; point kubectl at it with:`,
          `  export KUBECONFIG=${sandbox.kubeconfigPath}`,
          `  kubectl get svc -A`,
          opts.snapshot === undefined
            ? 'state is in memory only'
            : `state is saved to ${opts.snapshot}`,
          'Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sandbox.close();
      setExitCode(0);
    });
}
