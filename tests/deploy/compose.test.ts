/**
 * docker-compose.yml against the Compose Specification's JSON schema and dclint's rules (dclint ships
 * the schema; nothing is fetched), then what a schema cannot see: two replicas of this Dockerfile's
 * nightly on the PostgreSQL service, each named, trusting exactly the balancer's address; start order
 * by health; access logs and metrics on, the metrics on the backend network only, scraped by the
 * optional Prometheus exactly at the replicas; and the nginx file the balancer mounts naming exactly
 * those replicas on the image's port.
 * Running that topology is topology.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DCLinter } from 'dclint';
import YAML from 'yaml';
import { ROOT } from './dockerfile';
import { addressOf, apiServices, balancer, COMPOSE_PATH, readCompose, upstreamServers } from './compose';

function lint(file: string): string[] {
  // Every rule at its default level: schema errors and style warnings alike must be absent.
  const linter = new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] });
  return linter.lintFiles([file], false).flatMap((r) => r.messages.map((m) => `${m.rule} (line ${m.line}): ${m.message}`));
}

const compose = readCompose();
const api = apiServices(compose);
const lb = balancer(compose);

describe('docker-compose.yml', () => {
  it('is valid Compose and lints clean, and the validator does reject a misspelt key', () => {
    expect(lint(COMPOSE_PATH)).toEqual([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skyts-compose-'));
    const broken = path.join(dir, 'docker-compose.yml');
    fs.writeFileSync(broken, fs.readFileSync(COMPOSE_PATH, 'utf8').replace('read_only: true', 'readonly: true'));
    try {
      expect(lint(broken)).toEqual([expect.stringMatching(/^invalid-schema .*must NOT have additional properties/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs two named replicas of the nightly image on the PostgreSQL service', () => {
    expect(api.map(([name]) => name)).toHaveLength(2);
    const ids = api.map(([, s]) => s.environment?.SKYPILOT_REPLICA_ID);
    expect(new Set(ids).size).toBe(2);
    for (const [, service] of api) {
      expect(service.build?.target).toBe('nightly');
      const uri = new URL(service.environment!.SKYPILOT_DB_CONNECTION_URI.replace(/\$\{[^}]*\}/g, 'x'));
      expect(uri.protocol).toBe('postgresql:');
      expect(compose.services[uri.hostname]?.image).toMatch(/^postgres:/);
      expect(service.depends_on?.[uri.hostname]?.condition).toBe('service_healthy');
    }
  });

  it('has the replicas believe X-Forwarded-For from the balancer alone', () => {
    const lbAddress = addressOf(lb.service);
    expect(lbAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const [, service] of api) expect(service.environment?.SKYPILOT_TRUSTED_PROXIES).toBe(lbAddress);
    // Fixed addresses inside the network's subnet, or Compose refuses to start.
    const [subnet] = Object.values(compose.networks)
      .flatMap((n) => n.ipam?.config ?? [])
      .map((c) => c.subnet);
    const prefix = subnet.replace(/\.0\/24$/, '.');
    expect(subnet).toMatch(/\.0\/24$/);
    for (const service of [lb.service, ...api.map(([, s]) => s)]) expect(addressOf(service)?.startsWith(prefix)).toBe(true);
  });

  it('starts the balancer only once both replicas are ready, and gives them time to drain', () => {
    for (const [name, service] of api) {
      expect(lb.service.depends_on?.[name]?.condition).toBe('service_healthy');
      expect(service.healthcheck?.test).toEqual(['CMD', 'node', 'deploy/healthcheck.js', '/readyz']);
      // The server's own drain after SIGTERM takes up to 10 s; Compose's default wait is 10 s.
      expect(Number.parseInt(service.stop_grace_period ?? '10', 10)).toBeGreaterThan(10);
      // A read-only root with HOME (the image's /home/node) writable.
      expect(service.read_only).toBe(true);
      expect(service.tmpfs).toContain('/home/node');
    }
    expect(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/HOME=\/home\/node/);
    expect(compose.services.postgres.healthcheck?.test.join(' ')).toMatch(/pg_isready/);
  });

  it('logs every request and serves metrics on the backend network, scraped by the monitoring profile only', () => {
    const ports = new Set<string>();
    for (const [, service] of api) {
      expect(service.environment?.SKYPILOT_ACCESS_LOG).toBe('1');
      const port = service.environment!.SKYPILOT_METRICS_PORT;
      ports.add(port);
      // Off loopback inside the container, exposed to the network, published nowhere on the host.
      expect(service.environment?.SKYPILOT_METRICS_HOST).toBe('0.0.0.0');
      expect(service.expose).toContain(port);
      expect((service.ports ?? []).some((p) => p.split(':').includes(port))).toBe(false);
    }
    expect(ports.size).toBe(1);
    const [[name, prometheus]] = Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('prom/prometheus:'));
    expect(prometheus.profiles).toEqual(['monitoring']);
    const mount = prometheus.volumes!.find((v) => v.split(':')[1] === '/etc/prometheus/prometheus.yml')!;
    const config = YAML.parse(fs.readFileSync(path.resolve(ROOT, mount.split(':')[0]), 'utf8')) as {
      scrape_configs: { metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = config.scrape_configs.flatMap((c) => c.static_configs.flatMap((t) => t.targets));
    expect(targets.sort()).toEqual(api.map(([replica]) => `${replica}:${[...ports][0]}`).sort());
    expect(config.scrape_configs.every((c) => (c.metrics_path ?? '/metrics') === '/metrics')).toBe(true);
    expect(prometheus.networks).toEqual(Object.keys(compose.networks));
    // Its own UI on the host's loopback only.
    expect(prometheus.ports?.every((p) => p.startsWith('127.0.0.1:'))).toBe(true);
    expect(name).toBe('prometheus');
  });

  it('mounts an nginx file whose upstream is exactly the replicas on the image port', () => {
    const servers = upstreamServers(fs.readFileSync(lb.configFile, 'utf8'));
    expect(servers.map((s) => s.host).sort()).toEqual(api.map(([name]) => name).sort());
    expect(new Set(servers.map((s) => s.port))).toEqual(new Set([46580]));
  });
});
