/** Streamed plain-text answers (logs), with the headers SkyPilot's streaming endpoints send. */
import type { ServerResponse } from 'node:http';

export function startTextStream(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.statusCode = 200;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
}

export function streamText(res: ServerResponse, text: string, headers: Record<string, string> = {}): void {
  startTextStream(res, headers);
  res.end(text);
}

/** The last `tail` lines of a log (all of it when `tail` is 0 or less), as `/logs` `tail` asks. */
export function tailLines(text: string, tail: number): string {
  if (!tail || tail <= 0) return text;
  const lines = text.split('\n');
  const trailing = lines[lines.length - 1] === '' ? 1 : 0;
  return lines.slice(Math.max(0, lines.length - tail - trailing)).join('\n');
}
