/**
 * Serves the web dashboard under /dashboard.
 *
 * Two sources:
 * - builtDir: our own dashboard (dist/dashboard, built by scripts/build-dashboard.js). Files are served
 *   as they are; any other /dashboard/<path> gets index.html so client-side routing works.
 * - officialDir (optional, env SKYPILOT_DASHBOARD_DIR): a static export of the official Next.js
 *   dashboard. Lookup for /dashboard/<p>: file <p>, else <p>.html, else a dynamic page from the export's
 *   routes-manifest.json (file names with literal brackets, e.g. clusters/[cluster].html), else index.html.
 *
 * Also: GET / redirects to /dashboard/, and the official export's pages that only change the route on
 * load redirect to where they would go (officialRedirects.ts: the guided tour of a first visit
 * turns such a change into an uncaught error); the Grafana probe (/grafana/api/health) answers 204 and the rest
 * of /grafana/* 404 (any 200 on the probe makes the official dashboard embed Grafana iframes); a missing
 * /favicon.ico answers 404. Files go out compressed when the client accepts it (compressedFiles.ts);
 * `_next/static/` files, whose names carry a content hash, are cached for a year. Only GET and HEAD are served; paths
 * that try to leave the directory answer 404.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { HttpError } from '../errors';
import type { HttpErrorType } from '../vocab/errorTypes';
import { errorReply } from '../http/errorReply';
import { writeReply } from '../http/httpCall';
import { sendDashboardFile } from './compressedFiles';
import { officialRedirect } from './officialRedirects';

export interface DashboardRouterOptions {
  /** Directory holding our own built dashboard (index.html, app.js, app.css). */
  builtDir: string;
  /** Directory of a static export of the official SkyPilot dashboard; takes precedence when set. */
  officialDir?: string;
  /** Tags to put before `</head>` of the official export's pages as served (the sandbox banner). */
  officialHtmlInjection?: () => string | null;
}

interface DynamicRoute {
  page: string;
  regex: RegExp;
}

const PREFIX = '/dashboard';
const LONG_CACHE = 'public, max-age=3600';
/** Next.js puts a content hash in every file name under `_next/static/`: a new build is a new name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Errors in the API's one typed shape (src/http/errorBoundary.ts), never cached. */
function sendError(res: Response, status: number, type: HttpErrorType, code: string, message: string): void {
  res.set('Cache-Control', 'no-cache');
  writeReply(res, errorReply(new HttpError(status, code, type, message)));
}

function notFound(res: Response, message = 'Not found'): void {
  sendError(res, 404, 'NotFoundError', 'not_found', message);
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Reads the dynamic routes of a Next.js export; a missing or broken manifest means none. */
export function readDynamicRoutes(dir: string): DynamicRoute[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dir, 'routes-manifest.json'), 'utf8'));
  } catch {
    return [];
  }
  const list = (raw as { dynamicRoutes?: unknown }).dynamicRoutes;
  if (!Array.isArray(list)) return [];
  const routes: DynamicRoute[] = [];
  for (const entry of list) {
    const { page, regex } = (entry ?? {}) as { page?: unknown; regex?: unknown };
    if (typeof page !== 'string' || typeof regex !== 'string') continue;
    try {
      routes.push({ page, regex: new RegExp(regex) });
    } catch {
      // An unparsable pattern is skipped rather than breaking the whole dashboard.
    }
  }
  return routes;
}

/**
 * Splits the part after /dashboard/ into safe segments, or returns null when the path is unsafe:
 * undecodable escapes, `.`/`..`, dotfiles, empty segments (`//`, absolute paths), slashes, backslashes
 * or NUL hidden in an encoded segment.
 */
export function safeSegments(rest: string): string[] | null {
  const trimmed = rest.endsWith('/') ? rest.slice(0, -1) : rest;
  if (trimmed === '') return [];
  const segments: string[] = [];
  for (const raw of trimmed.split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '' || seg.startsWith('.') || /[/\\\0]/.test(seg) || path.isAbsolute(seg)) return null;
    segments.push(seg);
  }
  return segments;
}

/** Resolves segments inside root; null if the result (after symlinks) would leave root. */
function inside(root: string, rel: string): string | null {
  const abs = path.resolve(root, rel);
  if (abs !== root && !abs.startsWith(root + path.sep)) return null;
  if (!isFile(abs)) return null;
  try {
    const real = fs.realpathSync(abs);
    const realRoot = fs.realpathSync(root);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return null;
  } catch {
    return null;
  }
  return abs;
}

function officialLookup(root: string, segments: string[], routes: DynamicRoute[]): string | null {
  if (segments.length > 0) {
    const rel = segments.join('/');
    const direct = inside(root, rel) ?? inside(root, `${rel}.html`);
    if (direct) return direct;
    const urlPath = `/${rel}`;
    for (const route of routes) {
      if (!route.regex.test(urlPath)) continue;
      const page = route.page.replace(/^\/+/, '');
      if (page === '' || page.split('/').some((s) => s === '..' || s === '.')) continue;
      const file = inside(root, `${page}.html`);
      if (file) return file;
    }
  }
  return inside(root, 'index.html');
}

function builtLookup(root: string, segments: string[]): string | null {
  if (segments.length > 0) {
    const direct = inside(root, segments.join('/'));
    if (direct) return direct;
  }
  return inside(root, 'index.html');
}

/** An official page with `tags` before its `</head>` (or at its start when it has none); the file is untouched. */
async function sendInjected(req: Request, res: Response, file: string, tags: string): Promise<void> {
  const html = await fs.promises.readFile(file, 'utf8');
  const at = html.search(/<\/head>/i);
  const body = at === -1 ? tags + html : html.slice(0, at) + tags + html.slice(at);
  res.type('html');
  res.set('Content-Length', String(Buffer.byteLength(body)));
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

export function createDashboardRouter(opts: DashboardRouterOptions): express.Router {
  const officialDir = opts.officialDir ? path.resolve(opts.officialDir) : undefined;
  const builtDir = path.resolve(opts.builtDir);
  const root = officialDir ?? builtDir;
  const routes = officialDir ? readDynamicRoutes(officialDir) : [];

  const router = express.Router();

  router.use((req: Request, res: Response, next: NextFunction) => {
    const q = req.url.indexOf('?');
    const urlPath = q === -1 ? req.url : req.url.slice(0, q);
    const query = q === -1 ? '' : req.url.slice(q);
    const isRead = req.method === 'GET' || req.method === 'HEAD';

    if (urlPath === '/grafana/api/health' && isRead) {
      // The official dashboard embeds Grafana only on a 200, and the browser logs any 4xx/5xx of a
      // fetch as a console error on every page that probes: 204 says "no Grafana" without either.
      res.set('Cache-Control', 'no-cache');
      res.status(204).end();
      return;
    }
    if (urlPath === '/grafana' || urlPath.startsWith('/grafana/')) {
      notFound(res, 'Grafana is not available on this server');
      return;
    }
    if (urlPath === '/favicon.ico' && isRead) {
      // An official export without an icon still gets ours: a real icon, never an HTML page.
      const icon = inside(root, 'favicon.ico') ?? inside(builtDir, 'favicon.ico');
      if (!icon) return notFound(res);
      res.set('Cache-Control', LONG_CACHE);
      res.sendFile(icon, { dotfiles: 'allow', cacheControl: false }, (err) => {
        if (err && !res.headersSent) notFound(res);
      });
      return;
    }
    if (urlPath === '/' && isRead) {
      res.redirect(307, `${req.baseUrl}${PREFIX}/${query}`);
      return;
    }
    if (urlPath !== PREFIX && !urlPath.startsWith(`${PREFIX}/`)) {
      next();
      return;
    }
    if (!isRead) {
      res.set('Allow', 'GET, HEAD');
      sendError(res, 405, 'MethodNotAllowed', 'method_not_allowed', 'The dashboard only answers GET and HEAD');
      return;
    }
    if (urlPath === PREFIX) {
      res.redirect(307, `${req.baseUrl}${PREFIX}/${query}`);
      return;
    }

    const segments = safeSegments(urlPath.slice(PREFIX.length + 1));
    if (segments === null) {
      notFound(res);
      return;
    }
    const redirect = officialDir ? officialRedirect(segments.join('/'), query, (page) => inside(officialDir, page) !== null) : null;
    if (redirect !== null) {
      res.set('Cache-Control', 'no-cache');
      res.redirect(307, `${req.baseUrl}${PREFIX}/${redirect}`);
      return;
    }
    if (!inside(root, 'index.html')) {
      const message = 'Dashboard not built: run npm run build';
      sendError(res, 503, 'DashboardNotBuilt', 'dashboard_not_built', message);
      return;
    }
    // A missing build asset must not come back as HTML with a long cache lifetime.
    const isAsset = segments[0] === '_next';
    const file = isAsset
      ? inside(root, segments.join('/'))
      : officialDir
        ? officialLookup(root, segments, routes)
        : builtLookup(root, segments);
    if (!file) {
      notFound(res);
      return;
    }
    const hashed = isAsset && segments[1] === 'static';
    res.set('Cache-Control', hashed ? IMMUTABLE : isAsset ? LONG_CACHE : 'no-cache');
    const sendPlain = () =>
      res.sendFile(file, { dotfiles: 'allow', cacheControl: false }, (err) => {
        if (err && !res.headersSent) notFound(res);
      });
    const injection = officialDir && file.endsWith('.html') ? (opts.officialHtmlInjection?.() ?? null) : null;
    const send = injection ? sendInjected(req, res, file, injection) : sendDashboardFile(req, res, file, sendPlain);
    send.catch(() => {
      if (!res.headersSent) sendPlain();
    });
  });

  return router;
}
