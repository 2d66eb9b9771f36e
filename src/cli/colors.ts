/**
 * ANSI colour, only on a TTY and only when NO_COLOR is unset (https://no-color.org).
 *
 * `paint` does not write ANSI codes itself: every printed line is sanitized (sanitize.ts), which
 * would escape our ESC along with any ESC from the server. It emits a marker instead, which
 * `renderColors` turns into ANSI after sanitizing. The marker holds a random per-process key, so a
 * server string cannot forge one; a marker without the key prints as the inert text it is.
 */
import { randomBytes } from 'node:crypto';
import type { Env } from '../client/endpoint';

export interface MaybeTty {
  isTTY?: boolean;
}

export function colorEnabled(stream: MaybeTty, env: Env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined;
}

const CODES = { green: 32, yellow: 33, blue: 34, red: 31, cyan: 36, dim: 2 } as const;

export type ColorName = keyof typeof CODES;

// Private-use characters: never control characters, so sanitize() leaves them alone.
const OPEN = `\ue000${randomBytes(8).toString('hex')}:`;
const CLOSE = '\ue001';
const MARKER = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');

export function paint(text: string, color: ColorName, enabled: boolean): string {
  return enabled ? `${OPEN}${CODES[color]}${CLOSE}${text}${OPEN}0${CLOSE}` : text;
}

/** The ANSI codes for the markers `paint` left in a (sanitized) line. */
export function renderColors(line: string): string {
  return line.replace(MARKER, '\u001b[$1m');
}

/** The line as it shows on screen, colours removed. */
export function stripColors(line: string): string {
  return line.replace(MARKER, '');
}

const STATUS_COLORS: Record<string, ColorName> = {
  UP: 'green',
  RUNNING: 'green',
  SUCCEEDED: 'green',
  STOPPED: 'yellow',
  AUTOSTOPPING: 'yellow',
  PENDING: 'yellow',
  INIT: 'blue',
  STARTING: 'blue',
  SETTING_UP: 'blue',
  RECOVERING: 'cyan',
  CANCELLED: 'yellow',
  CANCELLING: 'yellow',
};

export function colorStatus(status: string, enabled: boolean): string {
  if (status.startsWith('FAILED')) return paint(status, 'red', enabled);
  const color = STATUS_COLORS[status];
  return color ? paint(status, color, enabled) : status;
}
