/** Types of buildFreshness.js, for the tests (the script itself runs before any build, so it is JavaScript). */
export interface BuildLayout {
  sourceDirs: string[];
  sourceFiles: string[];
  outputs: string[];
}
export const LAYOUT: BuildLayout;
export function staleReason(root: string, layout?: BuildLayout): string | undefined;
