/** What a CLI run talks to: streams, environment, and (for tests) an injectable client. */
import type { SkyClient } from '../client/skyClient';
import type { Env } from '../client/endpoint';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** The client surface the commands use; tests pass fakes of it. */
export type SkyApi = Pick<
  SkyClient,
  | 'endpoint'
  | 'identity'
  | 'health'
  | 'serverVersion'
  | 'status'
  | 'endpoints'
  | 'costReport'
  | 'queue'
  | 'logs'
  | 'jobStatus'
  | 'jobsLogs'
  | 'stop'
  | 'start'
  | 'down'
  | 'autostop'
  | 'jobsQueue'
  | 'users'
  | 'apiStatus'
  | 'requestLog'
  | 'checkRequest'
  | 'getRequest'
>;

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: Env;
  /** Replaces the real `SkyClient` (tests). */
  createClient?: (env: Env) => SkyApi;
  /** Asks a yes/no question (default: a prompt on a TTY stdin; refuses otherwise). */
  confirm?: (question: string) => Promise<boolean>;
}
