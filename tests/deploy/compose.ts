/**
 * docker-compose.yml and the nginx file it mounts, read as data for the compose checks and for the
 * topology test that runs them with local processes. YAML merge keys (`<<: *api`) are resolved, as
 * Compose resolves them.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ROOT } from './dockerfile';

export interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  networks?: Record<string, { ipv4_address?: string } | null> | string[];
  volumes?: string[];
  ports?: string[];
  expose?: string[];
  profiles?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  stop_grace_period?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, { ipam?: { config: { subnet: string }[] } }>;
}

export const COMPOSE_PATH = path.join(ROOT, 'docker-compose.yml');

export function readCompose(): ComposeFile {
  return YAML.parse(fs.readFileSync(COMPOSE_PATH, 'utf8'), { merge: true }) as ComposeFile;
}

/** The services built from this repository's Dockerfile: the API server replicas. */
export function apiServices(compose: ComposeFile): [string, ComposeService][] {
  return Object.entries(compose.services).filter(([, s]) => s.build?.context === '.');
}

/** The service running nginx, and the nginx file it mounts (a path in this repository). */
export function balancer(compose: ComposeFile): { name: string; service: ComposeService; configFile: string } {
  const entries = Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('nginx:'));
  if (entries.length !== 1) throw new Error(`expected one nginx service in docker-compose.yml, found ${entries.length}`);
  const [name, service] = entries[0];
  const mount = (service.volumes ?? []).find((v) => v.split(':')[1]?.startsWith('/etc/nginx/conf.d/'));
  if (!mount) throw new Error(`the ${name} service mounts no file into /etc/nginx/conf.d/`);
  return { name, service, configFile: path.resolve(ROOT, mount.split(':')[0]) };
}

export function addressOf(service: ComposeService): string | undefined {
  if (!service.networks || Array.isArray(service.networks)) return undefined;
  return Object.values(service.networks).find((n) => n?.ipv4_address)?.ipv4_address;
}

/** The `server host:port` entries of every upstream block in an nginx file. */
export function upstreamServers(config: string): { host: string; port: number; line: string }[] {
  const servers: { host: string; port: number; line: string }[] = [];
  for (const [, body] of config.matchAll(/upstream\s+\S+\s*\{([^}]*)\}/g)) {
    for (const [line, host, port] of body.matchAll(/^\s*server\s+([^\s:;]+):(\d+)[^;]*;/gm)) {
      servers.push({ host, port: Number(port), line: line.trim() });
    }
  }
  return servers;
}
