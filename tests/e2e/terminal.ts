/**
 * Runs a command on a real pseudo-terminal and answers one prompt, the way a person would: under
 * tmux when it is installed, else through python3's `pty` module (tests/e2e/ptyRun.py). Prompts
 * that only appear on a TTY can be tested this way, and nothing needs installing.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TerminalOptions {
  env: Record<string, string>;
  cwd: string;
  /** Typed once this text shows on the terminal. */
  prompt: string;
  answer: string;
  timeoutMs?: number;
}

export interface TerminalResult {
  transcript: string;
  exitCode: number;
}

export interface TerminalDriver {
  name: string;
  run(argv: string[], options: TerminalOptions): Promise<TerminalResult>;
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

async function until<T>(what: string, deadline: number, probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

/** A private tmux server (its own socket), killed afterwards; the pane stays open to be read. */
function tmuxDriver(tmux: string): TerminalDriver {
  return {
    name: 'tmux',
    async run(argv, options) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-tmux-'));
      const socket = path.join(dir, 'socket');
      const exitFile = path.join(dir, 'exit');
      const tmuxEnv = { ...options.env, SHELL: '/bin/sh' };
      const t = (...args: string[]) => run(tmux, ['-S', socket, ...args], { env: tmuxEnv });
      const pane = async () => (await t('capture-pane', '-p', '-t', 'sky')).stdout;
      const shell = `cd ${quote(options.cwd)} && ${argv.map(quote).join(' ')}; echo $? > ${quote(exitFile)}; exec sleep 600`;
      const deadline = Date.now() + (options.timeoutMs ?? 20_000);
      try {
        await t('-f', '/dev/null', 'new-session', '-d', '-s', 'sky', '-x', '200', '-y', '50', shell);
        await until(`"${options.prompt}"`, deadline, async () => ((await pane()).includes(options.prompt) ? true : undefined));
        await t('send-keys', '-t', 'sky', options.answer, 'Enter');
        const exitCode = await until('the command to exit', deadline, async () =>
          fs.existsSync(exitFile) && fs.readFileSync(exitFile, 'utf8').trim() ? Number(fs.readFileSync(exitFile, 'utf8')) : undefined,
        );
        return { transcript: await pane(), exitCode };
      } finally {
        await t('kill-server').catch(() => undefined);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Roughly what the screen shows of a raw transcript: readline's cursor moves removed, `\r\n` as `\n`. */
function screenText(raw: string): string {
  return raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n/g, '\n');
}

function pythonDriver(python: string): TerminalDriver {
  const script = path.join(__dirname, 'ptyRun.py');
  return {
    name: 'python3 pty',
    run(argv, options) {
      return new Promise((resolve, reject) => {
        execFile(
          python,
          [script, options.prompt, options.answer, ...argv],
          { env: options.env, cwd: options.cwd, timeout: options.timeoutMs ?? 20_000 },
          (error, stdout) => {
            if (error && typeof error.code !== 'number') reject(error);
            else resolve({ transcript: screenText(stdout), exitCode: error ? Number(error.code) : 0 });
          },
        );
      });
    },
  };
}

/** Every way this machine has to drive a terminal: tmux first, then python3's pty. */
export function terminalDrivers(): TerminalDriver[] {
  const tmux = onPath('tmux');
  const python = onPath('python3');
  return [...(tmux ? [tmuxDriver(tmux)] : []), ...(python ? [pythonDriver(python)] : [])];
}
