#!/usr/bin/env node
/**
 * Builds the dashboard front end: src/dashboard/ui/main.tsx → dist/dashboard/{index.html, app.js, app.css}.
 * One minified JS bundle and one CSS file; index.html gets a content hash as a cache buster.
 * Usage: node scripts/build-dashboard.js [--dev]   (--dev: no minification, inline source maps)
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const srcDir = path.join(root, 'src', 'dashboard', 'ui');
const outDir = path.join(root, 'dist', 'dashboard');
const dev = process.argv.includes('--dev');

async function main() {
  const started = Date.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });

  const result = await esbuild.build({
    entryPoints: { app: path.join(srcDir, 'main.tsx') },
    outdir: outDir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
    logLevel: 'warning',
    metafile: true,
  });

  const js = fs.readFileSync(path.join(outDir, 'app.js'));
  const css = fs.readFileSync(path.join(outDir, 'app.css'));
  const hash = crypto.createHash('sha256').update(js).update(css).digest('hex').slice(0, 10);
  const html = fs.readFileSync(path.join(srcDir, 'index.html'), 'utf8').replace(/__BUILD__/g, hash);
  fs.writeFileSync(path.join(outDir, 'index.html'), html);
  // Browsers ask every page's origin for /favicon.ico; the server answers it from the built dashboard.
  fs.copyFileSync(path.join(srcDir, 'favicon.ico'), path.join(outDir, 'favicon.ico'));

  const kb = (b) => `${(b.length / 1024).toFixed(1)} kB`;
  const warnings = result.warnings.length ? `, ${result.warnings.length} warning(s)` : '';
  console.log(
    `dashboard built in ${Date.now() - started} ms: app.js ${kb(js)}, app.css ${kb(css)} → ${path.relative(root, outDir)}${warnings}`,
  );
}

main().catch((err) => {
  console.error(err?.message ? err.message : err);
  process.exit(1);
});
