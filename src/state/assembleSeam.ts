/**
 * Builds a seam object from its families in one place. A key defined by two families is an error at
 * start-up, never a silent overwrite; the result is one plain object whose properties sinon can
 * replace, so a replacement reaches every caller.
 */
export function assembleSeam<T extends object>(seamName: string, families: Record<string, object>): T {
  const seam: Record<string, unknown> = {};
  const definedBy = new Map<string, string>();
  for (const [familyName, family] of Object.entries(families)) {
    for (const [key, value] of Object.entries(family)) {
      const earlier = definedBy.get(key);
      if (earlier) throw new Error(`${seamName}.${key} is defined by both the ${earlier} and the ${familyName} family`);
      definedBy.set(key, familyName);
      seam[key] = value;
    }
  }
  return seam as T;
}
