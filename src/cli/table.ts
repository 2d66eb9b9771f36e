/**
 * Plain aligned tables like SkyPilot's CLI: upper-case headers, columns separated by two spaces, left
 * aligned, no borders, no trailing spaces. Cells are sanitized here, so widths are those of the
 * escaped text that will be printed; colour markers take no width.
 */
import { stripColors } from './colors';
import { sanitize } from './sanitize';

export function visibleLength(text: string): number {
  return stripColors(sanitize(text)).length;
}

export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const clean = rows.map((row) => headers.map((_, col) => sanitize(row[col] ?? '')));
  const widths = headers.map((header, col) => Math.max(visibleLength(header), ...clean.map((row) => visibleLength(row[col]))));
  const line = (cells: readonly string[]): string =>
    widths
      .map((width, col) => cells[col] + ' '.repeat(Math.max(0, width - visibleLength(cells[col]))))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => sanitize(h.toUpperCase()))), ...clean.map(line)];
}
