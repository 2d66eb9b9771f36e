/**
 * A tiny path router for pages under /dashboard/ (no framework router): the current path comes from
 * `location.pathname`, links use `history.pushState`, and the server answers index.html for every
 * /dashboard/<path> so deep links and reloads work.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const MARK = '/dashboard';

/** What comes before /dashboard in the page path ('' when mounted at the root). */
export function basePrefix(): string {
  const p = window.location.pathname;
  const i = p.indexOf(MARK);
  return i > 0 ? p.slice(0, i) : '';
}

/** The page path after /dashboard, always starting with '/' and without a trailing slash. */
export function currentRoute(): string {
  const p = window.location.pathname;
  const i = p.indexOf(MARK);
  let rest = i >= 0 ? p.slice(i + MARK.length) : p;
  if (rest.length > 1 && rest.endsWith('/')) rest = rest.slice(0, -1);
  return rest || '/';
}

export function href(route: string): string {
  return `${basePrefix()}${MARK}${route}`;
}

const listeners = new Set<() => void>();

export function navigate(route: string): void {
  const target = href(route);
  if (target !== window.location.pathname + window.location.search) {
    window.history.pushState(null, '', target);
    window.scrollTo(0, 0);
  }
  for (const l of listeners) l();
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** Matches '/clusters/:name' style patterns; returns decoded params or null. */
export function matchRoute(pattern: string, route: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = route.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(have[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== have[i]) {
      return null;
    }
  }
  return params;
}

interface LinkProps {
  to: string;
  children: ComponentChildren;
  class?: string;
  title?: string;
  'data-testid'?: string;
}

export function Link({ to, children, ...rest }: LinkProps) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a {...rest} href={href(to)} onClick={onClick}>
      {children}
    </a>
  );
}
