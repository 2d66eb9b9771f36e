/**
 * The build parses the demo's YAML once (src/demo/build.js) so the demo starts without a
 * YAML parser: the built table must agree with the parser on every fixture file, and text that
 * changed since the build must still be parsed, not answered from the table. Needs `npm run build`.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'src', 'demo', 'fixtures');
// The built module, next to the table it reads.
const built = require(path.join(ROOT, 'dist', 'src', 'demo', 'yamlFiles.js')) as typeof import('../../src/demo/yamlFiles');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

describe('YAML parsed at build time', () => {
  const table = JSON.parse(fs.readFileSync(built.PARSED_YAML_FILE, 'utf8')) as Record<string, string>;

  it.each(yamlFiles(FIXTURES).map((f) => [path.relative(FIXTURES, f), f]))('%s: the table holds what the parser makes', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(table[built.textKey(text)])).toEqual(YAML.parse(text) ?? null);
    expect(built.parseYamlText(text)).toEqual(YAML.parse(text) ?? null);
  });

  it('changed text is parsed, and every answer is a fresh object', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'workspaces.yaml'), 'utf8');
    const edited = `${text}\nextra-team: {}\n`;
    expect(table[built.textKey(edited)]).toBeUndefined();
    expect(built.parseYamlText(edited)).toEqual(YAML.parse(edited));
    const a = built.parseYamlText(text) as Record<string, unknown>;
    const b = built.parseYamlText(text) as Record<string, unknown>;
    expect(a).not.toBe(b);
    expect(() => built.parseYamlText('key: [unclosed')).toThrow();
  });
});
