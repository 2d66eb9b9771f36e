/** Streamed plain-text answers (logs), with the headers SkyPilot's streaming endpoints send. */
import type { Response } from 'express';

export function startTextStream(res: Response): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
}

export function streamText(res: Response, text: string): void {
  startTextStream(res);
  res.end(text);
}
