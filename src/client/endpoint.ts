/**
 * Where the API server is and how to authenticate to it.
 *
 * Endpoint order: explicit option, `SKYPILOT_API_SERVER_ENDPOINT`, `api_server.endpoint` in
 * `~/.sky/config.yaml`, then `http://127.0.0.1:46580`.
 * Auth: `SKYPILOT_SERVICE_ACCOUNT_TOKEN` → `Authorization: Bearer <token>`; otherwise credentials in the
 * endpoint URL (`http://user:pass@host`) → `Authorization: Basic ...`. Credentials are always stripped
 * from the URL handed to fetch (which refuses URLs with credentials) and from anything displayed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:46580';

export type Env = Record<string, string | undefined>;

export type EndpointSource = 'option' | 'env' | 'config' | 'default';

export interface ResolvedEndpoint {
  /** Base URL without credentials and without a trailing slash; safe to display and to pass to fetch. */
  url: string;
  /** `Authorization` header value, if any. */
  authorization?: string;
  authKind: 'none' | 'bearer' | 'basic';
  source: EndpointSource;
}

export interface EndpointOptions {
  endpoint?: string;
  token?: string;
  env?: Env;
  /** Home directory; defaults to `$HOME` from `env`, then `os.homedir()`. */
  home?: string;
}

export function homeDir(env: Env = process.env, home?: string): string {
  return home ?? env.HOME ?? os.homedir();
}

export function configPath(env: Env = process.env, home?: string): string {
  return path.join(homeDir(env, home), '.sky', 'config.yaml');
}

/** Reads `api_server.endpoint` from `~/.sky/config.yaml`; `undefined` when absent or unreadable. */
export function endpointFromConfig(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`Invalid YAML in ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const apiServer = (doc as Record<string, unknown>).api_server;
  if (typeof apiServer !== 'object' || apiServer === null) return undefined;
  const endpoint = (apiServer as Record<string, unknown>).endpoint;
  return typeof endpoint === 'string' && endpoint.trim() ? endpoint.trim() : undefined;
}

function rawEndpoint(options: EndpointOptions, env: Env): { raw: string; source: EndpointSource } {
  if (options.endpoint) return { raw: options.endpoint, source: 'option' };
  const fromEnv = env.SKYPILOT_API_SERVER_ENDPOINT?.trim();
  if (fromEnv) return { raw: fromEnv, source: 'env' };
  const fromConfig = endpointFromConfig(configPath(env, options.home));
  if (fromConfig) return { raw: fromConfig, source: 'config' };
  return { raw: DEFAULT_ENDPOINT, source: 'default' };
}

export function resolveEndpoint(options: EndpointOptions = {}): ResolvedEndpoint {
  const env = options.env ?? process.env;
  const { raw, source } = rawEndpoint(options, env);
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new Error(`Invalid SkyPilot API server endpoint: ${raw}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`Invalid SkyPilot API server endpoint (need http or https): ${raw}`);
  }
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  const url = parsed.toString().replace(/\/+$/, '');

  const token = options.token ?? env.SKYPILOT_SERVICE_ACCOUNT_TOKEN?.trim();
  if (token) return { url, authorization: `Bearer ${token}`, authKind: 'bearer', source };
  if (user || pass) {
    const encoded = Buffer.from(`${user}:${pass}`, 'utf8').toString('base64');
    return { url, authorization: `Basic ${encoded}`, authKind: 'basic', source };
  }
  return { url, authKind: 'none', source };
}

/** True for endpoints on this machine (where `sky` may start a server itself). */
export function isLocalEndpoint(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
}
