/**
 * Display helpers: relative times, durations, dates. Times on the wire are epoch seconds. Rounding
 * and phrasing are shared with the CLI (src/common/readableTime.ts); the wording is the dashboard's.
 */
import { durationParts, namedUnits, type RelativeWording, relativeTime as phrase } from '../../common/readableTime';

const WORDING: RelativeWording = {
  units: namedUnits({ year: 'year', month: 'month', week: 'week', day: 'day', hour: 'hour', minute: 'minute' }),
  recentBelow: 45,
  recent: { past: 'just now', future: 'just now' },
};

const DURATION_UNITS = namedUnits({ day: 'd', hour: 'h', minute: 'm', second: 's' });

function isTime(t: number | null | undefined): t is number {
  return typeof t === 'number' && Number.isFinite(t) && t > 0;
}

/** "2 hours ago", "in 5 minutes", "just now" (under 45 s); '-' when there is no time. */
export function relativeTime(epochSeconds: number | null | undefined, nowMs = Date.now()): string {
  return phrase(epochSeconds, nowMs / 1000, WORDING);
}

/** The two leading units: "3d 4h", "2h 5m", "2m 5s", "45s". */
export function duration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '-';
  const parts = durationParts(seconds, DURATION_UNITS, 2);
  if (parts.length === 0) return '0s';
  return parts.map((part) => `${part.count}${part.unit.name}`).join(' ');
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

/** "AWS (us-east-1)", "Kubernetes (my-ctx)"; '-' when there is no cloud. */
export function infra(cloud: string | null | undefined, region?: string | null, zone?: string | null): string {
  if (!cloud) return '-';
  const where = zone || region;
  return where && where !== '-' ? `${cloud} (${where})` : cloud;
}

const NAMES: Record<string, string> = {
  aws: 'AWS',
  gcp: 'GCP',
  azure: 'Azure',
  ibm: 'IBM',
  lambda: 'Lambda',
  scp: 'SCP',
  oci: 'OCI',
  runpod: 'RunPod',
  vast: 'VAST',
  vsphere: 'vSphere',
  cudo: 'Cudo',
  fluidstack: 'FluidStack',
  paperspace: 'Paperspace',
  do: 'DO',
  nebius: 'Nebius',
  verda: 'Verda',
  kubernetes: 'Kubernetes',
  ssh: 'SSH',
  slurm: 'Slurm',
};
/** Display name of a cloud as the server spells it ("aws" → "AWS"). */
export const cloudName = (raw: string) => NAMES[raw.toLowerCase()] ?? raw;
