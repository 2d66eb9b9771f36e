/**
 * `GET /dashboard_config`: what the official dashboard reads once per cluster, cluster-job and
 * managed-job page load. Today that is `external_links`, the `{label, regex}` pairs an operator sets
 * under `dashboard.external_links` in the server config; the pages match them against streamed log
 * lines to show labelled links (a W&B run, a tracking UI). Read as upstream reads it: an entry that is
 * not a pair of strings is skipped, so one bad entry never breaks a page, and no entry means `[]`.
 * The nightly's server config is the stored one (the settings page saves it); the demo's is
 * `server_config.yaml`, checked on load (src/demo/fixtureSchema.ts).
 */
import { globalUserState } from '../state/globalUserState';

interface ExternalLink {
  label: string;
  regex: string;
}

interface DashboardConfig {
  external_links: ExternalLink[];
}

/** Pages compile every entry and scan every log line with each: a bound keeps that cheap. */
export const MAX_EXTERNAL_LINKS = 100;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function externalLinksOf(serverConfig: Record<string, unknown>): ExternalLink[] {
  const section = serverConfig.dashboard;
  const entries = isRecord(section) && Array.isArray(section.external_links) ? section.external_links : [];
  const links: ExternalLink[] = [];
  for (const entry of entries) {
    if (links.length >= MAX_EXTERNAL_LINKS) break;
    if (isRecord(entry) && typeof entry.label === 'string' && typeof entry.regex === 'string') {
      links.push({ label: entry.label, regex: entry.regex });
    }
  }
  return links;
}

export async function dashboardConfig(): Promise<DashboardConfig> {
  return { external_links: externalLinksOf(await globalUserState.getServerConfig()) };
}
