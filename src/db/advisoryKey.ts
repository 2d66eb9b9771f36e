/** A stable 32-bit key per name, for PostgreSQL's advisory locks (migrations, serialized writes). */
export function advisoryKey(name: string): number {
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}
