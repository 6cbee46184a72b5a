import type { Command } from 'commander';
import { InvalidInputError } from '../../core/errors.js';
import type { SetExitCode } from './index.js';

/**
 * `lbctl completion bash|zsh`: a completion script built from the registered commands and
 * their long options, as `kubectl completion` prints one (`source <(lbctl completion bash)`).
 */
export function registerCompletion(program: Command, setExitCode: SetExitCode): void {
  program
    .command('completion')
    .description('print a shell completion script (bash or zsh): source <(lbctl completion bash)')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      process.stdout.write(completionScript(program, shell));
      setExitCode(0);
    });
}

/** The script for `shell`; pure (the program's commands and options in, text out). */
export function completionScript(program: Command, shell: string): string {
  if (shell !== 'bash' && shell !== 'zsh') {
    throw new InvalidInputError('lbctl completion', [
      {
        type: 'Unsupported',
        field: 'shell',
        value: shell,
        detail: 'supported values: "bash", "zsh"',
      },
    ]);
  }
  const commands = program.commands.map((c) => c.name()).filter((n) => n !== 'completion');
  const cases = program.commands
    .map((c) => {
      const flags = c.options.flatMap((o) => [o.long, o.short]).filter((f) => f !== undefined);
      return `    ${c.name()}) opts="${[...flags, '--help'].join(' ')}" ;;`;
    })
    .join('\n');
  const bash = `# lbctl completion for bash: source <(lbctl completion bash)
_lbctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${[...commands, 'completion', '--version', '--help'].join(' ')}" -- "$cur") )
    return
  fi
  case "$prev" in
    -f|--filename|--kubeconfig|--observed|--out|--config) compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    --provider) COMPREPLY=( $(compgen -W "aws gcp azure local" -- "$cur") ); return ;;
    --log-level) COMPREPLY=( $(compgen -W "trace debug info warn error silent" -- "$cur") ); return ;;
    completion) COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") ); return ;;
  esac
  case "\${COMP_WORDS[1]}" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "$opts" -- "$cur") );
  else compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") ); fi
}
complete -F _lbctl lbctl
`;
  if (shell === 'bash') return bash;
  // zsh runs the bash function through bashcompinit, as kubectl's zsh script once did.
  return `#compdef lbctl
# lbctl completion for zsh: source <(lbctl completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash}`;
}
