/**
 * The `sky` CLI. `run()` executes one command line in-process and resolves with the exit code; when
 * this module is the program's entry point (directly or through bin/sky.js) it runs `process.argv`.
 */
import { CommanderError } from 'commander';
import * as path from 'node:path';
import { createContext, terminalLine } from './context';
import { debugDetails, errorLine, EXIT_ERROR, EXIT_OK, EXIT_USAGE, exitCodeFor } from './errors';
import type { CliIo } from './io';
import { buildProgram } from './program';

export type { CliIo } from './io';

/** commander's "exits" that are not errors. */
const CLEAN_EXITS = new Set(['commander.helpDisplayed', 'commander.version', 'commander.executeSubCommandAsync']);

export async function run(argv: string[], io: CliIo): Promise<number> {
  const ctx = createContext(io);
  let exitCode = EXIT_OK;
  try {
    const program = buildProgram(ctx, (code) => {
      exitCode = code;
    });
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (CLEAN_EXITS.has(err.code) || err.exitCode === 0) return EXIT_OK;
      return EXIT_USAGE; // commander already printed its one line (or the help)
    }
    ctx.err(errorLine(err));
    if (ctx.debug) for (const line of debugDetails(err)) ctx.err(line);
    return exitCodeFor(err) || EXIT_ERROR;
  }
}

/** True when started as `node dist/src/cli/main.js` or through `bin/sky.js` (also via an npm symlink). */
function isEntryPoint(): boolean {
  const entry = require.main;
  if (!entry) return false;
  if (entry === module) return true;
  const file = entry.filename;
  return path.basename(path.dirname(file)) === 'bin' && /^sky(\.js)?$/.test(path.basename(file));
}

if (isEntryPoint()) {
  // `sky logs ... | head` closes stdout early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  void run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${terminalLine(errorLine(err))}\n`);
      process.exitCode = EXIT_ERROR;
    },
  );
}
