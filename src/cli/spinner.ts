/** A spinner on stderr for long waits; silent unless stderr is a TTY. */
import type { MaybeTty } from './colors';
import { sanitize } from './sanitize';

export interface SpinnerStream extends MaybeTty {
  write(chunk: string): unknown;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export async function withSpinner<T>(stream: SpinnerStream, message: string, work: () => Promise<T>): Promise<T> {
  if (!stream.isTTY) return work();
  let frame = 0;
  const draw = (): void => {
    stream.write(`\r${FRAMES[frame % FRAMES.length]} ${sanitize(message)}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, 100);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    stream.write('\r\u001b[K');
  }
}
