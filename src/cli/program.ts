/** Builds the `sky` commander program for one run (fresh per run, so runs can share a process). */
import { Command } from 'commander';
import { VERSION } from '../vocab/versions';
import { addCommand, type CommandGroup, type CommandSpec, type ExitSetter } from './command';
import { apiInfoCommand } from './commands/apiInfo';
import { apiLogsCommand } from './commands/apiLogs';
import { apiStartCommand } from './commands/apiStart';
import { apiStatusCommand } from './commands/apiStatus';
import { apiStopCommand } from './commands/apiStop';
import { autostopCommand } from './commands/autostop';
import { checkCommand } from './commands/check';
import { costReportCommand } from './commands/costReport';
import { downCommand } from './commands/down';
import { jobsLogsCommand } from './commands/jobsLogs';
import { jobsQueueCommand } from './commands/jobsQueue';
import { logsCommand } from './commands/logs';
import { queueCommand } from './commands/queue';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import { stopCommand } from './commands/stop';
import { usersLsCommand } from './commands/usersLs';
import { type CliContext, terminalLine } from './context';
import { errorLine, oneLine } from './errors';

/** In the order `sky --help` lists them. */
const COMMANDS: readonly (CommandSpec | CommandGroup)[] = [
  statusCommand,
  queueCommand,
  logsCommand,
  stopCommand,
  startCommand,
  downCommand,
  autostopCommand,
  costReportCommand,
  checkCommand,
  { name: 'jobs', description: 'Managed jobs.', commands: [jobsQueueCommand, jobsLogsCommand] },
  { name: 'users', description: 'Users of the API server.', commands: [usersLsCommand] },
  {
    name: 'api',
    description: 'The SkyPilot API server.',
    commands: [apiStartCommand, apiStopCommand, apiStatusCommand, apiLogsCommand, apiInfoCommand],
  },
];

export function buildProgram(ctx: CliContext, done: ExitSetter): Command {
  const program = new Command('sky');
  program
    .description('SkyPilot CLI for a SkyPilot-compatible API server.')
    .version(VERSION, '-v, --version')
    // Root options only before the command, as upstream's click: `sky status -v` is --verbose there.
    .enablePositionalOptions()
    .option('--demo-session <id>', 'act in this sandbox session of a demo server (default: $SKYPILOT_DEMO_SESSION)')
    .hook('preAction', () => {
      const id = program.opts<{ demoSession?: string }>().demoSession;
      if (id !== undefined) ctx.env = { ...ctx.env, SKYPILOT_DEMO_SESSION: id };
    })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void ctx.io.stdout.write(text),
      writeErr: (text) => void ctx.io.stderr.write(text),
      outputError: (text, write) => write(`${terminalLine(errorLine(oneLine(text.replace(/^error:\s*/, ''))))}\n`),
    });

  for (const command of COMMANDS) addCommand(program, command, ctx, done);
  return program;
}
