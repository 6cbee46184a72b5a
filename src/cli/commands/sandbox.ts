import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { AuthorizationMode } from '../../sandbox/index.js';
import { startSandbox } from '../../sandbox/index.js';
import type { SetExitCode } from './index.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`--port must be an integer between 0 and 65535, got "${value}"`);
  }
  return port;
}

/** `--authorization rbac|always-allow` (any case; kube-apiserver's mode names accepted too). */
function parseAuthorization(value: string): AuthorizationMode {
  const v = value.toLowerCase().replace(/[-_]/g, '');
  if (v === 'rbac') return 'RBAC';
  if (v === 'alwaysallow') return 'AlwaysAllow';
  throw new InvalidArgumentError(
    `--authorization must be "rbac" or "always-allow", got "${value}"`,
  );
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
    .option(
      '--authorization <mode>',
      'rbac: authorise requests by the stored Roles and bindings (the kubeconfig is the admin); always-allow: no checks',
      parseAuthorization,
    )
    .action(
      async (opts: {
        port?: number;
        kubeconfig: string;
        snapshot?: string;
        authorization?: AuthorizationMode;
      }) => {
        const sandbox = await startSandbox({
          ...(opts.authorization === undefined ? {} : { authorization: opts.authorization }),
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
            opts.authorization === 'RBAC'
              ? 'RBAC enforced: the kubeconfig is the administrator; use --as=system:serviceaccount:NS:NAME or a token (kubectl create token) to act as a ServiceAccount'
              : 'no authorization: every request is allowed',
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
      },
    );
}
