/**
 * The frame of every page that shows loaded data: the title bar with its refresh button and
 * "updated … ago", the error banner of the last load (with Retry), then the page's own content.
 */
import type { ComponentChildren } from 'preact';
import type { DataState } from '../hooks';
import { ErrorBanner, PageHeader } from './Feedback';

interface Props {
  title: ComponentChildren;
  subtitle?: ComponentChildren;
  actions?: ComponentChildren;
  state: DataState<unknown>;
  /** A failure inside a load that succeeded (one of several calls); the banner shows the load's own error first. */
  partialError?: string | null;
  children?: ComponentChildren;
}

export function DataPage({ title, subtitle, actions, state, partialError, children }: Props) {
  return (
    <>
      <PageHeader
        title={title}
        subtitle={subtitle}
        updatedAt={state.updatedAt}
        loading={state.loading}
        onRefresh={state.reload}
        actions={actions}
      />
      <ErrorBanner message={state.error ?? partialError} onRetry={state.reload} />
      {children}
    </>
  );
}
