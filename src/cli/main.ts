/**
 * The `jesd` command (docs/cli.md). Each command lives in src/cli/commands/<name>.ts and
 * exports `register(program)`; this file wires them and maps errors to exit statuses.
 */
import { Command, CommanderError } from 'commander';
import { exitFor, EXIT_BAD_INPUT } from './io.ts';
import { COMMANDS } from './commands/index.ts';

/**
 * A usage error from commander (unknown option or command, missing argument) as one stderr line:
 * "jesd: unknown option '--x' (did you mean --y?) (see jesd CMD --help)". Never the whole help.
 */
export function usageLine(message: string, commandPath: string): string {
  const parts = message.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const text = parts.map((l) => l.replace(/^error:\s*/, '').replace(/^\((.*)\)$/, '($1)')).join(' ');
  return `jesd: ${text} (see ${commandPath} --help)\n`;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('jesd')
    .description('jacobian-esd: free-probability spectra of deep-network Jacobians and their fixed points, checked by Monte Carlo')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  const oneLine = (c: Command, path: string) =>
    c.exitOverride().configureOutput({ outputError: (str, write) => write(usageLine(str, path)) });
  oneLine(program, 'jesd');
  program.commands.forEach((c) => oneLine(c, `jesd ${c.name()}`));
  return program;
}

/**
 * When the reader of stdout goes away (`jesd law ... | head -1`), writes fail with EPIPE: stop
 * quietly with status 0 (everything written to files is complete; only the rest of the printout
 * is dropped). A reader of stderr going away only silences progress: the computation goes on.
 * Any other error on the streams is reported in one line.
 */
let pipeGuardsInstalled = false;
export function installPipeGuards(): void {
  if (pipeGuardsInstalled) return;
  pipeGuardsInstalled = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    process.stderr.write(`jesd: cannot write to stdout: ${e.code ?? e.message}\n`);
    process.exit(1);
  });
  process.stderr.on('error', () => {
    // Progress and messages cannot be shown any more; results still go to stdout and files.
  });
}

export async function main(argv: string[]): Promise<void> {
  installPipeGuards();
  // --quiet silences every informational stderr line, the linalg backend announcement included.
  if (argv.includes('--quiet')) process.env.JESD_QUIET_BACKEND = '1';
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
