/** Text, not HTTP: the operations that answer `tail` (cluster and managed-job logs) share it. */
/** The last `tail` lines of a log (all of it when `tail` is 0 or less), as `/logs` `tail` asks. */
export function tailLines(text: string, tail: number): string {
  if (!tail || tail <= 0) return text;
  const lines = text.split('\n');
  const trailing = lines[lines.length - 1] === '' ? 1 : 0;
  return lines.slice(Math.max(0, lines.length - tail - trailing)).join('\n');
}
