/**
 * Coloured status badges. Cluster statuses are shown the way the official dashboard shows them:
 * INIT → LAUNCHING, UP → RUNNING, STOPPED → STOPPED.
 */

const CLUSTER_LABELS: Record<string, string> = { INIT: 'LAUNCHING', UP: 'RUNNING', STOPPED: 'STOPPED' };

const TONES: Record<string, string> = {
  RUNNING: 'green',
  UP: 'green',
  SUCCEEDED: 'blue',
  LAUNCHING: 'amber',
  INIT: 'amber',
  PENDING: 'amber',
  SUBMITTED: 'amber',
  STARTING: 'amber',
  SETTING_UP: 'amber',
  RECOVERING: 'orange',
  CANCELLING: 'orange',
  STOPPED: 'gray',
  CANCELLED: 'gray',
};

export function tone(status: string): string {
  if (TONES[status]) return TONES[status];
  return status.startsWith('FAILED') ? 'red' : 'gray';
}

export function clusterLabel(status: string): string {
  return CLUSTER_LABELS[status] ?? status;
}

export function StatusBadge({ status, cluster }: { status: string | null | undefined; cluster?: boolean }) {
  const raw = status ?? 'UNKNOWN';
  const label = cluster ? clusterLabel(raw) : raw;
  return (
    <span class={`badge badge-${tone(label)}`} data-status={raw}>
      <span class="badge-dot" aria-hidden="true" />
      {label.replace(/_/g, ' ')}
    </span>
  );
}
