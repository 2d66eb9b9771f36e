/** Builds the `sky` commander program for one run (fresh per run, so runs can share a process). */
import { Command } from 'commander';
import { VERSION } from '../vocab/versions';
import type { ExitSetter } from './command';
import { registerApiInfo } from './commands/apiInfo';
import { registerApiStart } from './commands/apiStart';
import { registerApiStatus } from './commands/apiStatus';
import { registerApiStop } from './commands/apiStop';
import { registerAutostop } from './commands/autostop';
import { registerCostReport } from './commands/costReport';
import { registerDown } from './commands/down';
import { registerJobsQueue } from './commands/jobsQueue';
import { registerLogs } from './commands/logs';
import { registerQueue } from './commands/queue';
import { registerStart } from './commands/start';
import { registerStatus } from './commands/status';
import { registerStop } from './commands/stop';
import { registerUsersLs } from './commands/usersLs';
import { type CliContext, terminalLine } from './context';
import { errorLine, oneLine } from './errors';

export function buildProgram(ctx: CliContext, done: ExitSetter): Command {
  const program = new Command('sky');
  program
    .description('SkyPilot CLI for a SkyPilot-compatible API server.')
    .version(VERSION, '-v, --version')
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

  for (const register of [
    registerStatus,
    registerQueue,
    registerLogs,
    registerStop,
    registerStart,
    registerDown,
    registerAutostop,
    registerCostReport,
  ]) {
    register(program, ctx, done);
  }

  const jobs = program.command('jobs').description('Managed jobs.');
  registerJobsQueue(jobs, ctx, done);

  const users = program.command('users').description('Users of the API server.');
  registerUsersLs(users, ctx, done);

  const api = program.command('api').description('The SkyPilot API server.');
  for (const register of [registerApiStart, registerApiStop, registerApiStatus, registerApiInfo]) register(api, ctx, done);

  return program;
}
