/**
 * The sandbox banner for the official dashboard: a script and a style sheet served by us and named in
 * the official export's HTML as it is served (the export on disk is never changed). It reads the
 * visitor's session (`GET /demo/session`, the cookie the page load set) and shows its time left, the
 * changes used, Extend and Reset, and the same "full" / "expired" / "unavailable" notices as our own
 * dashboard's banner. Plain DOM, no framework: it must not depend on the export's bundle.
 */
import type { Endpoint } from '../http/endpoint';

const PREFIX = '/internal/dashboard/demo/session';

const BANNER_JS = `(() => {
  const API = '${PREFIX}';
  const bar = document.createElement('div');
  bar.id = 'skyts-sandbox-banner';
  bar.setAttribute('role', 'status');
  const text = document.createElement('span');
  const extend = document.createElement('button');
  extend.textContent = 'Extend';
  const reset = document.createElement('button');
  reset.textContent = 'Reset';
  bar.append(text, extend, reset);
  let view = null;
  let loadedAt = Date.now();
  const left = () => {
    if (!view || !view.session_id) return 0;
    return Math.max(0, view.seconds_left - Math.floor((Date.now() - loadedAt) / 1000));
  };
  const render = () => {
    if (!view) return;
    const has = Boolean(view.session_id);
    extend.hidden = !has || view.extensions_left <= 0;
    reset.hidden = !has;
    if (!has) {
      bar.dataset.state = 'none';
      text.textContent = view.message || 'This is the read-only demo.';
      return;
    }
    const s = left();
    const mm = String(Math.floor(s / 60));
    const ss = String(s % 60).padStart(2, '0');
    bar.dataset.state = s > 0 ? 'live' : 'expired';
    const notice = view.replaced_expired || view.notice === 'expired' ? 'Your previous sandbox session expired; this is a fresh one. ' : '';
    text.textContent = s > 0
      ? notice + 'Sandbox session: ' + mm + ':' + ss + ' left, ' + view.changes + ' of ' + view.max_changes + ' changes used.'
      : 'Your sandbox session expired: reload the page for a fresh one.';
  };
  const load = async (method, path) => {
    try {
      const res = await fetch(API + (path || ''), { method: method || 'GET', credentials: 'include' });
      if (!res.ok) return;
      view = await res.json();
      loadedAt = Date.now();
      render();
      if (path) setTimeout(() => location.reload(), 300);
    } catch (e) {
      // No banner is better than a broken page.
    }
  };
  extend.addEventListener('click', () => load('POST', '/extend'));
  reset.addEventListener('click', () => load('POST', '/reset'));
  const mount = () => {
    document.body.prepend(bar);
    load();
    setInterval(render, 1000);
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
`;

// A card floating at the bottom left: a bar across the top covered the dashboard's own navigation,
// which is fixed at the top of the viewport (and its help button holds the bottom right).
const BANNER_CSS = `#skyts-sandbox-banner{position:fixed;left:1rem;bottom:1rem;z-index:2147483000;display:flex;gap:.75rem;
align-items:center;flex-wrap:wrap;max-width:calc(100vw - 6rem);padding:.4rem .8rem;font:14px/1.4 system-ui,sans-serif;
background:#e0f2fe;color:#075985;border:1px solid #7dd3fc;border-radius:8px;box-shadow:0 2px 8px rgba(0,0,0,.15)}
#skyts-sandbox-banner[data-state=none],#skyts-sandbox-banner[data-state=expired]{background:#fef3c7;color:#92400e;border-color:#fcd34d}
#skyts-sandbox-banner button{font:inherit;padding:.1rem .6rem;border:1px solid currentColor;border-radius:4px;background:#fff;
color:inherit;cursor:pointer}
#skyts-sandbox-banner button[hidden]{display:none}
`;

export const BANNER_PATHS = { script: '/demo/banner.js', style: '/demo/banner.css' } as const;

/** What goes before `</head>` in each of the export's pages. */
export const BANNER_TAGS = `<link rel="stylesheet" href="${BANNER_PATHS.style}"><script src="${BANNER_PATHS.script}" defer></script>`;

const asset = (path: string, type: string, body: string): Endpoint => ({
  method: 'GET',
  path,
  // The banner's own files: any visitor may load them, as every other session endpoint.
  role: 'viewer',
  effect: 'read',
  direct: () => ({ status: 200, headers: { 'Content-Type': type, 'Cache-Control': 'public, max-age=300' }, text: body }),
});

export const bannerEndpoints: Endpoint[] = [
  asset(BANNER_PATHS.script, 'text/javascript; charset=utf-8', BANNER_JS),
  asset(BANNER_PATHS.style, 'text/css; charset=utf-8', BANNER_CSS),
];
