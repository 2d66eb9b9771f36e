/**
 * Text from the server must not steer the terminal: a user named `ESC[2J` would clear the screen of
 * whoever lists users, a newline would forge a table row, a bidi override would reorder one. Every
 * control character is therefore shown as an escape, in the style of Python's repr (`\n`, `\x1b`,
 * `\u202e`). The result holds no control character, so sanitizing twice changes nothing, and its
 * length is its width on screen (for the characters we escape).
 *
 * Backslashes are not escaped: a literal `\x1b` in a name prints like an escaped ESC, which is
 * ambiguous but harmless, and keeps ordinary text (Windows paths) readable.
 */

/** C0 (incl. ESC, newline, tab), DEL, C1, and the bidi embeddings, overrides and isolates. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function sanitize(text: string): string {
  return text.replace(CONTROL, escapeChar);
}

/** What JSON.stringify leaves raw: it escapes C0 but not DEL, C1 or the bidi controls. */
const JSON_RAW_CONTROL = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text with every control character as a JSON `\u` escape: still valid JSON that parses to the
 * same data, and inert on a terminal. (These characters can only occur inside JSON strings.)
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_RAW_CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
