/**
 * Plain aligned tables like SkyPilot's CLI: upper-case headers, columns separated by two spaces, left
 * aligned, no borders, no trailing spaces. Widths ignore ANSI colour codes.
 */

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return text.replace(ANSI_RE, '').length;
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI_RE, '');
}

export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, col) =>
    Math.max(visibleLength(header), ...rows.map((row) => visibleLength(row[col] ?? ''))),
  );
  const line = (cells: readonly string[]): string =>
    widths
      .map((width, col) => {
        const cell = cells[col] ?? '';
        return cell + ' '.repeat(Math.max(0, width - visibleLength(cell)));
      })
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)];
}
