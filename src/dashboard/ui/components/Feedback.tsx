/**
 * Page-level feedback: error banners (data-testid="error-banner"), loading spinners, and the page
 * title bar with a refresh button (data-testid="refresh-button") and "updated … ago".
 */
import type { ComponentChildren } from 'preact';
import { relativeTime } from '../format';

export function ErrorBanner({ message, onRetry }: { message: string | null | undefined; onRetry?: () => void }) {
  if (!message) return null;
  return (
    <div class="banner banner-error" role="alert" data-testid="error-banner">
      <strong>Could not load data.</strong> <span>{message}</span>
      {onRetry && (
        <button type="button" class="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div class="spinner-row" aria-busy="true">
      <span class="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

interface PageHeaderProps {
  title: ComponentChildren;
  subtitle?: ComponentChildren;
  updatedAt?: number | null;
  loading?: boolean;
  onRefresh?: () => void;
  actions?: ComponentChildren;
}

export function PageHeader({ title, subtitle, updatedAt, loading, onRefresh, actions }: PageHeaderProps) {
  return (
    <div class="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <div class="page-subtitle">{subtitle}</div>}
      </div>
      <div class="page-actions">
        {actions}
        {onRefresh && <span class="updated">{loading ? 'Refreshing…' : updatedAt ? `Updated ${relativeTime(updatedAt / 1000)}` : ''}</span>}
        {onRefresh && (
          <button type="button" class="btn" onClick={onRefresh} disabled={loading} data-testid="refresh-button">
            ↻ Refresh
          </button>
        )}
      </div>
    </div>
  );
}

/** A grid of label/value pairs for detail pages. */
export function Details({ items }: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="details">
      {items.map(([label, value]) => (
        <div class="detail" key={label}>
          <dt>{label}</dt>
          <dd>{value ?? '-'}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Small summary tiles ("3 running") above list tables. */
export function StatTiles({ items }: { items: { label: string; value: number | string; tone?: string }[] }) {
  return (
    <div class="stats">
      {items.map((s) => (
        <div class={`stat stat-${s.tone ?? 'plain'}`} key={s.label}>
          <div class="stat-value">{s.value}</div>
          <div class="stat-label">{s.label}</div>
        </div>
      ))}
    </div>
  );
}
