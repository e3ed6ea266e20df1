/**
 * The `jesd` command (../shared/CLI.md). Each command lives in src/cli/commands/<name>.ts and
 * exports `register(program)`; this file wires them and maps errors to exit statuses.
 */
import { Command, CommanderError } from 'commander';
import { exitFor, EXIT_BAD_INPUT } from './io.ts';
import { COMMANDS } from './commands/index.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('jesd')
    .description('jacobian-esd: free-probability spectra of deep-network Jacobians and their fixed points, checked by Monte Carlo')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  program.commands.forEach((c) => c.exitOverride().showHelpAfterError());
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  let code = 0;
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 2 (commander already printed the message).
      code = err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    } else {
      code = exitFor(err);
    }
  }
  process.exitCode = code;
}
