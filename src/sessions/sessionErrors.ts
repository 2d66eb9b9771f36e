/** The typed refusals of the session endpoints (HTTP 4xx, type `DemoSessionError`, one code each). */
import { HttpError } from '../errors';

export class DemoSessionError extends HttpError {
  constructor(status: number, code: string, message: string) {
    super(status, code, 'DemoSessionError', message);
  }
}

export const invalidSessionId = () =>
  new DemoSessionError(
    400,
    'invalid_session_id',
    'X-Demo-Session-Id must be a session id from POST /demo/session: 32 letters, digits, "-" or "_".',
  );

export const noSession = () =>
  new DemoSessionError(404, 'no_session', 'There is no live sandbox session here: create one with POST /demo/session.');

export const noExtensionsLeft = (max: number, expiresAt: number) =>
  new DemoSessionError(
    409,
    'no_extensions_left',
    `This session has been extended ${max} time(s), the most allowed; it ends at ${new Date(expiresAt).toISOString()}.`,
  );

/**
 * A sandbox write that cannot happen (no session to hold it, or the session is at a limit): answered
 * as the read-only demo answers a write (type `DemoModeError`, 403, a failed request for scheduled
 * endpoints), with a message saying why and what to do.
 */
export class SessionRefusal extends HttpError {
  constructor(code: string, message: string) {
    super(403, code, 'DemoModeError', message);
  }
}

/** What a visitor without a session is told, by the reason they have none. */
export const NO_SESSION_MESSAGES = {
  capacity: 'The sandbox is full right now, so this is the read-only demo: changes are not allowed. Try again in a few minutes.',
  rate: 'Too many new sandbox sessions from your address, so this is the read-only demo for a minute: changes are not allowed.',
  unavailable: 'The sandbox is unavailable right now, so this is the read-only demo: changes are not allowed.',
  // A change from a client that named no session (a CLI, a script): a throwaway session would take it
  // and report success while the visitor could never see it again.
  none: 'Changes on this demo happen in a sandbox session, and this request names none: create one with POST /demo/session, then send its id (sky --demo-session <id>, or the X-Demo-Session-Id header, or its cookie).',
} as const;

export const changeLimit = (max: number) =>
  new SessionRefusal(
    'session_change_limit',
    `This sandbox session has made ${max} changes, the most allowed: reset it (POST /demo/session/reset) to start over.`,
  );

export const sessionEnded = () => new SessionRefusal('session_ended', 'This sandbox session has ended: reload to get a fresh one.');
