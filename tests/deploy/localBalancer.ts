/**
 * The compose file's balancer as a local process: Debian's nginx running deploy/nginx/default.conf
 * as shipped, with only its addresses changed (each `server api-N:46580` to the local replica's
 * port, `listen 80` to a loopback port), inside a minimal main file standing in for the nginx image's
 * own (which includes conf.d/*.conf in its http block). The main file logs which replica served each
 * request, so a test can see the round robin.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { upstreamServers } from './compose';
import { freePort, request } from './processes';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p)) ?? null;

export interface LocalBalancer {
  url: string;
  /** Per request, in order: the replica(s) tried (`a, b` when nginx passed it on), method, URI, status. */
  served(): { upstream: string; method: string; uri: string; status: number }[];
  stop(): Promise<void>;
}

/** The shipped file with its addresses mapped: `replicas` maps a compose service name to a local port. */
export function localConfig(shipped: string, replicas: Record<string, number>, listenPort: number): string {
  let config = shipped;
  for (const server of upstreamServers(shipped)) {
    const port = replicas[server.host];
    if (port === undefined) throw new Error(`the nginx upstream names ${server.host}, which is not a replica here`);
    config = config.replace(server.line, server.line.replace(`${server.host}:${server.port}`, `127.0.0.1:${port}`));
  }
  if (!/^\s*listen 80;$/m.test(config)) throw new Error('the nginx file no longer has `listen 80;`: update this test');
  return config.replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${listenPort};`);
}

export async function startBalancer(shippedFile: string, replicas: Record<string, number>, dir: string): Promise<LocalBalancer> {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install -y nginx)');
  const port = await freePort();
  fs.mkdirSync(dir, { recursive: true });
  // Worker processes may run as nobody: their temporary directories must be theirs to write.
  for (const temp of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dir, temp), { mode: 0o777 });
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'default.conf'), localConfig(fs.readFileSync(shippedFile, 'utf8'), replicas, port));
  const log = path.join(dir, 'served.log');
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 256; }
http {
    log_format served '$upstream_addr|$request_method|$request_uri|$status';
    access_log ${log} served;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${dir}/default.conf;
}
`,
  );
  const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')];
  const check = spawnSync(NGINX, [...args, '-t'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t refused the configuration:\n${check.stderr}`);
  const child = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); ; await new Promise((r) => setTimeout(r, 100))) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}:\n${output}`);
    if (
      await request(`${url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      break;
    if (Date.now() - started > 10_000) throw new Error(`nginx not answering on ${url}:\n${output}`);
  }
  return {
    url,
    served: () =>
      (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [upstream, method, uri, status] = line.split('|');
          return { upstream, method, uri, status: Number(status) };
        }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}
