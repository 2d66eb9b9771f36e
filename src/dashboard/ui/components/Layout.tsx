/**
 * The page frame: header (logo, nav, demo badge, current user), the sandbox session banner (on the
 * demo with sandbox sessions), main area, footer (version, commit).
 * Test hooks: data-testid="demo-badge" (only in demo mode), data-testid="current-user",
 * data-testid="nav-<page>" on nav links, data-testid="footer-version".
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { UserRoleRecord } from '../../../api/wireTypes';
import { setIdentity, setSandboxMode } from '../api';
import { fetchHealth, fetchRole, type Health } from '../data';
import { Link } from '../router';
import { SessionBanner } from './SessionBanner';

const NAV: { to: string; label: string; id: string }[] = [
  { to: '/clusters', label: 'Clusters', id: 'clusters' },
  { to: '/jobs', label: 'Jobs', id: 'jobs' },
  { to: '/infra', label: 'Infra', id: 'infra' },
  { to: '/workspaces', label: 'Workspaces', id: 'workspaces' },
  { to: '/users', label: 'Users', id: 'users' },
];

function Logo() {
  return (
    <svg class="logo" viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="#2563eb" />
      <path d="M7 21c3-7 7-10 18-11-5 3-8 6-9 12l-3-3-6 2z" fill="#fff" />
    </svg>
  );
}

export function Layout({ route, children }: { route: string; children: ComponentChildren }) {
  const [health, setHealth] = useState<Health | null>(null);
  const [demo, setDemo] = useState(false);
  const [sandbox, setSandbox] = useState(false);
  const [user, setUser] = useState<UserRoleRecord | null>(null);

  useEffect(() => {
    fetchHealth().then(
      (r) => {
        setHealth(r.health);
        setDemo(r.demo);
        setSandbox(r.sandbox);
        setSandboxMode(r.sandbox);
      },
      () => setHealth({}),
    );
    fetchRole().then(
      (u) => {
        if (!u) return;
        setUser(u);
        setIdentity(u.id, u.name);
      },
      () => setUser(null),
    );
  }, []);

  const section = route.split('/')[1] || 'clusters';
  return (
    <div class="app">
      <header class="topbar">
        <div class="topbar-inner">
          <Link to="/clusters" class="brand">
            <Logo />
            <span>SkyPilot</span>
          </Link>
          <nav class="nav">
            {NAV.map((n) => (
              <Link key={n.id} to={n.to} class={`nav-link${section === n.id ? ' active' : ''}`} data-testid={`nav-${n.id}`}>
                {n.label}
              </Link>
            ))}
          </nav>
          <div class="topbar-right">
            {demo && (
              <span
                class="demo-badge"
                data-testid="demo-badge"
                title={sandbox ? 'Your changes stay in your own session' : 'Write actions are refused by the server'}
              >
                {sandbox ? 'sandbox demo' : 'read-only demo'}
              </span>
            )}
            {user && (
              <span class="user" data-testid="current-user" title={`User id ${user.id}`}>
                <span class="avatar" aria-hidden="true">
                  {(user.name || '?').slice(0, 1).toUpperCase()}
                </span>
                <span class="user-name">{user.name}</span>
                {user.role && <span class="role">{user.role}</span>}
              </span>
            )}
          </div>
        </div>
      </header>
      {sandbox && <SessionBanner />}
      <main class="main">{children}</main>
      <footer class="footer" data-testid="footer-version">
        <span>SkyPilot API server</span>
        {health?.version && <span>version {health.version}</span>}
        {health?.commit && <span title={health.commit}>commit {health.commit.slice(0, 8)}</span>}
        {health?.api_version && <span>API v{health.api_version}</span>}
      </footer>
    </div>
  );
}
