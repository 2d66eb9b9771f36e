/**
 * Shell-style cluster-name patterns, as SkyPilot matches them (Python's fnmatch, case-sensitive):
 * `*`, `?`, `[seq]`, `[!seq]`; everything else is literal. A `[` without its `]` is a literal `[`; a
 * reversed range such as `[z-a]` is empty, as in Python.
 *
 * No regular expression is built from user text: patterns compile to tokens and match with the
 * classic two-pointer wildcard algorithm, which remembers only the last `*`. Its cost is at most
 * pattern length x name length, never exponential, and patterns are capped at MAX_PATTERN_LENGTH.
 */
import { ValidationError } from '../errors';

export const MAX_PATTERN_LENGTH = 255;

type Token =
  | { kind: 'literal'; char: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'class'; negated: boolean; chars: Set<string>; ranges: [number, number][] };

export interface NamePattern {
  readonly source: string;
  test(name: string): boolean;
}

function parseClass(pattern: string, open: number): { token: Token; end: number } | null {
  let i = open + 1;
  const negated = pattern[i] === '!';
  if (negated) i++;
  const start = i;
  // A `]` right after `[` or `[!` is a member, not the end.
  if (pattern[i] === ']') i++;
  while (i < pattern.length && pattern[i] !== ']') i++;
  if (i >= pattern.length) return null;
  const body = [...pattern.slice(start, i)];
  const chars = new Set<string>();
  const ranges: [number, number][] = [];
  for (let k = 0; k < body.length; k++) {
    if (k + 2 < body.length && body[k + 1] === '-') {
      const lo = body[k].codePointAt(0)!;
      const hi = body[k + 2].codePointAt(0)!;
      if (lo <= hi) ranges.push([lo, hi]);
      k += 2;
    } else {
      chars.add(body[k]);
    }
  }
  return { token: { kind: 'class', negated, chars, ranges }, end: i };
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (ch === '?') {
      tokens.push({ kind: 'any' });
    } else if (ch === '[') {
      const parsed = parseClass(pattern, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else {
        tokens.push({ kind: 'literal', char: ch });
      }
    } else {
      tokens.push({ kind: 'literal', char: ch });
    }
  }
  return tokens;
}

function matchesOne(token: Token, char: string): boolean {
  switch (token.kind) {
    case 'literal':
      return token.char === char;
    case 'any':
      return true;
    case 'class': {
      const code = char.codePointAt(0)!;
      const member = token.chars.has(char) || token.ranges.some(([lo, hi]) => code >= lo && code <= hi);
      return member !== token.negated;
    }
    default:
      return false;
  }
}

function matchTokens(tokens: Token[], name: string): boolean {
  let t = 0;
  let n = 0;
  let starToken = -1;
  let starName = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token && token.kind !== 'star' && matchesOne(token, name[n])) {
      t++;
      n++;
    } else if (token?.kind === 'star') {
      starToken = t++;
      starName = n;
    } else if (starToken >= 0) {
      // Let the last `*` take one more character and retry from there.
      t = starToken + 1;
      n = ++starName;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/** Compiles a pattern; a pattern over the length cap is a ValidationError (400). */
export function compileNamePattern(pattern: string): NamePattern {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new ValidationError(`Cluster name pattern is longer than ${MAX_PATTERN_LENGTH} characters.`, [
      { path: 'cluster_names', message: `at most ${MAX_PATTERN_LENGTH} characters` },
    ]);
  }
  const tokens = tokenize(pattern);
  return { source: pattern, test: (name) => matchTokens(tokens, name) };
}
