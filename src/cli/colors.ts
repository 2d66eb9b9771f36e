/** ANSI colour, only on a TTY and only when NO_COLOR is unset (https://no-color.org). */

export type Env = Record<string, string | undefined>;

export interface MaybeTty {
  isTTY?: boolean;
}

export function colorEnabled(stream: MaybeTty, env: Env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined;
}

const CODES = { green: 32, yellow: 33, blue: 34, red: 31, cyan: 36, dim: 2 } as const;

export type ColorName = keyof typeof CODES;

export function paint(text: string, color: ColorName, enabled: boolean): string {
  return enabled ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
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
