/**
 * YAML text to data for the demo's files, fast on start: `npm run build` parses every YAML file under
 * src/demo/fixtures once (src/demo/build.js) into `fixtures.parsed.json` beside this module,
 * keyed by a hash of the file's text. A file whose text is unchanged is answered from there (a fresh
 * JSON.parse each time, never a shared object); anything else, an edited or another folder's file, is
 * parsed by the `yaml` library, loaded only then. Loading and warming that library is the largest
 * part of the demo's start-up, and this is what keeps it off the path.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const PARSED_YAML_FILE = path.join(__dirname, 'fixtures.parsed.json');

let parsed: Map<string, string> | null = null;

export function textKey(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function compiled(): Map<string, string> {
  if (!parsed) {
    try {
      parsed = new Map(Object.entries(JSON.parse(fs.readFileSync(PARSED_YAML_FILE, 'utf8')) as Record<string, string>));
    } catch {
      parsed = new Map(); // not built (tests from source) or unreadable: parse everything
    }
  }
  return parsed;
}

/** The data of one YAML document; throws the library's error for invalid YAML. */
export function parseYamlText(text: string): unknown {
  const hit = compiled().get(textKey(text));
  if (hit !== undefined) return JSON.parse(hit);
  const YAML = require('yaml') as typeof import('yaml');
  return YAML.parse(text);
}
