/** Display helpers: relative times, durations, dates. Times on the wire are epoch seconds. */

const UNITS: [number, string][] = [
  [365 * 24 * 3600, 'year'],
  [30 * 24 * 3600, 'month'],
  [7 * 24 * 3600, 'week'],
  [24 * 3600, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
];

function isTime(t: number | null | undefined): t is number {
  return typeof t === 'number' && Number.isFinite(t) && t > 0;
}

/** "2 hours ago", "in 5 minutes", "just now"; '-' when there is no time. */
export function relativeTime(epochSeconds: number | null | undefined, nowMs = Date.now()): string {
  if (!isTime(epochSeconds)) return '-';
  const diff = nowMs / 1000 - epochSeconds;
  const abs = Math.abs(diff);
  if (abs < 45) return 'just now';
  for (const [size, name] of UNITS) {
    if (abs >= size * 0.95 || name === 'minute') {
      const n = Math.max(1, Math.round(abs / size));
      const label = `${n} ${name}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `${label} ago` : `in ${label}`;
    }
  }
  return '-';
}

/** "3d 4h", "2h 5m", "45s". */
export function duration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** Duration between two epoch times; an open end counts up to now. */
export function span(start: number | null | undefined, end: number | null | undefined): string {
  if (!isTime(start)) return '-';
  const stop = isTime(end) ? end : Date.now() / 1000;
  return duration(stop - start);
}

/** Full local date and time, for tooltips and detail pages. */
export function dateTime(epochSeconds: number | null | undefined): string {
  if (!isTime(epochSeconds)) return '-';
  return new Date(epochSeconds * 1000).toLocaleString();
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "AWS (us-east-1)", "Kubernetes (my-ctx)"; '-' when there is no cloud. */
export function infra(cloud: string | null | undefined, region?: string | null, zone?: string | null): string {
  if (!cloud) return '-';
  const where = zone || region;
  return where && where !== '-' ? `${cloud} (${where})` : cloud;
}

const NAMES: Record<string, string> = {
  aws: 'AWS', gcp: 'GCP', azure: 'Azure', ibm: 'IBM', lambda: 'Lambda', scp: 'SCP', oci: 'OCI', runpod: 'RunPod',
  vast: 'VAST', vsphere: 'vSphere', cudo: 'Cudo', fluidstack: 'FluidStack', paperspace: 'Paperspace', do: 'DO',
  nebius: 'Nebius', verda: 'Verda', kubernetes: 'Kubernetes', ssh: 'SSH', slurm: 'Slurm',
};
/** Display name of a cloud as the server spells it ("aws" → "AWS"). */
export const cloudName = (raw: string) => NAMES[raw.toLowerCase()] ?? raw;
