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
