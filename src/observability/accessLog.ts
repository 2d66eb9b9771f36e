/**
 * Structured access logs: one JSON line per answered request (pino), written asynchronously so the
 * answer never waits for stdout. On with `SKYPILOT_ACCESS_LOG=1` (the deployment manifests set it),
 * off by default for a person running the server in a terminal.
 */
import pino from 'pino';

export interface AccessLogLine {
  method: string;
  path: string;
  endpoint: string;
  status: number;
  ms: number;
  requestId?: string;
  client?: string;
}

export type AccessLog = (line: AccessLogLine) => void;

export function createAccessLog(enabled: boolean, destination: NodeJS.WritableStream | number = 1): AccessLog | null {
  if (!enabled) return null;
  const sink = typeof destination === 'number' ? pino.destination({ dest: destination, sync: false, minLength: 4096 }) : destination;
  // Lines are written in 4 KB batches under load; at low traffic, at most a second late.
  if ('flush' in sink && typeof sink.flush === 'function') {
    const flush = sink.flush.bind(sink) as () => void;
    setInterval(() => {
      try {
        flush();
      } catch {
        /* nothing buffered or the stream is closing */
      }
    }, 1000).unref();
  }
  const logger = pino({ base: null, messageKey: 'msg', timestamp: pino.stdTimeFunctions.isoTime }, sink);
  return (line) => logger.info(line, 'request');
}
