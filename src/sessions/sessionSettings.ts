/**
 * The sandbox's settings: `sandbox.yaml` in the fixtures folder, then the environment, which wins
 * (an operator turns the sandbox on or tightens a cap without editing files). Every value is checked
 * at start: a bad one stops the demo with a line naming the setting, never a half-working sandbox.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { cloudRegistry } from '../state/clouds';
import { parseYamlText } from '../demo/yamlFiles';

const SETTINGS_FILE = 'sandbox.yaml';

const launchSpec = z.strictObject({
  cloud: z.string().refine((c) => cloudRegistry.isKnown(c), { message: `expected one of ${cloudRegistry.names().join(', ')}` }),
  region: z.string().min(1),
  zone: z.string().min(1).nullish(),
  instance_type: z.string().min(1),
  nodes: z.number().int().min(1).max(64).default(1),
  ports: z
    .array(z.string().regex(/^\d{1,5}(-\d{1,5})?$/))
    .max(10)
    .nullish(),
  provision_seconds: z.number().min(1).max(600).default(12),
  /** The job's output, one line revealed every `line_seconds` once it runs. */
  log: z
    .string()
    .regex(/^logs\/[\w./-]+$/, 'expected a file under logs/')
    .refine((p) => !p.split('/').includes('..')),
  line_seconds: z.number().min(0.1).max(60).default(1.5),
  /** False for a server (a notebook, an inference endpoint): the job keeps RUNNING. */
  finishes: z.boolean().default(true),
});
export type LaunchSpec = z.infer<typeof launchSpec>;

const fileSchema = z.strictObject({
  enabled: z.boolean().default(false),
  session_minutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  max_extensions: z.number().int().min(0).max(100).default(3),
  max_sessions: z.number().int().min(1).max(1_000_000).default(2000),
  max_changes_per_session: z.number().int().min(1).max(10_000).default(100),
  max_session_kib: z.number().int().min(4).max(4096).default(64),
  new_sessions_per_minute: z.number().int().min(1).max(100_000).default(10),
  reclaim_idle_minutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(5),
  sweep_seconds: z.number().positive().max(3600).default(30),
  start_seconds: z.number().min(1).max(600).default(8),
  launch: z.record(z.string(), launchSpec).default({}),
});

export interface SessionSettings {
  enabled: boolean;
  sessionMinutes: number;
  maxExtensions: number;
  maxSessions: number;
  maxChanges: number;
  maxSessionBytes: number;
  newSessionsPerMinute: number;
  reclaimIdleMinutes: number;
  sweepSeconds: number;
  /** How long a started cluster stays INIT before it is UP. */
  startSeconds: number;
  launch: Record<string, LaunchSpec>;
  redisUrl: string | null;
  /** Prefix of every Redis key, so several demos can share one Redis. */
  redisPrefix: string;
  statsToken: string | null;
}

export class SessionSettingsError extends Error {
  override readonly name = 'SessionSettingsError';
}

/** Environment variable -> field of sandbox.yaml, for the numeric settings. */
const ENV_NUMBERS: Record<string, keyof z.input<typeof fileSchema>> = {
  SKYPILOT_DEMO_SESSION_MINUTES: 'session_minutes',
  SKYPILOT_DEMO_MAX_EXTENSIONS: 'max_extensions',
  SKYPILOT_DEMO_MAX_SESSIONS: 'max_sessions',
  SKYPILOT_DEMO_MAX_CHANGES: 'max_changes_per_session',
  SKYPILOT_DEMO_MAX_SESSION_KIB: 'max_session_kib',
  SKYPILOT_DEMO_NEW_SESSIONS_PER_MINUTE: 'new_sessions_per_minute',
  SKYPILOT_DEMO_RECLAIM_IDLE_MINUTES: 'reclaim_idle_minutes',
  SKYPILOT_DEMO_SWEEP_SECONDS: 'sweep_seconds',
  SKYPILOT_DEMO_START_SECONDS: 'start_seconds',
};

const STATS_TOKEN_MIN_LENGTH = 16;

function readFile(dir: string): unknown {
  const file = path.join(dir, SETTINGS_FILE);
  if (!fs.existsSync(file)) return {};
  try {
    return parseYamlText(fs.readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    throw new SessionSettingsError(`${SETTINGS_FILE}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

function parseFlag(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value.trim())) return true;
  if (/^(0|false|no|off)$/i.test(value.trim())) return false;
  throw new SessionSettingsError(`${name} must be 1 or 0 (true or false), got '${value}'`);
}

export function loadSessionSettings(fixturesDir: string, env: NodeJS.ProcessEnv = process.env): SessionSettings {
  const raw = readFile(fixturesDir) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new SessionSettingsError(`${SETTINGS_FILE}: expected a mapping`);
  const merged: Record<string, unknown> = { ...raw };
  const fromEnv = new Map<string, string>();
  if (env.SKYPILOT_DEMO_SANDBOX?.trim()) merged.enabled = parseFlag('SKYPILOT_DEMO_SANDBOX', env.SKYPILOT_DEMO_SANDBOX);
  for (const [name, field] of Object.entries(ENV_NUMBERS)) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (!/^\d+(\.\d+)?$/.test(value)) throw new SessionSettingsError(`${name} must be a number, got '${value}'`);
    merged[field] = Number(value);
    fromEnv.set(field, name);
  }
  const parsed = fileSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.');
    const where = fromEnv.get(String(issue.path[0])) ?? (field ? `${SETTINGS_FILE}: ${field}` : SETTINGS_FILE);
    throw new SessionSettingsError(`${where}: ${issue.message}`);
  }
  const s = parsed.data;
  for (const [recipe, spec] of Object.entries(s.launch)) {
    try {
      cloudRegistry.fromName(spec.cloud).validateInstanceType(spec.instance_type);
    } catch (error) {
      throw new SessionSettingsError(`${SETTINGS_FILE}: launch.${recipe}.instance_type: ${(error as Error).message}`);
    }
    if (!fs.existsSync(path.join(fixturesDir, spec.log))) {
      throw new SessionSettingsError(`${SETTINGS_FILE}: launch.${recipe}.log: file '${spec.log}' does not exist`);
    }
  }
  const statsToken = env.SKYPILOT_DEMO_STATS_TOKEN?.trim() || null;
  if (statsToken && statsToken.length < STATS_TOKEN_MIN_LENGTH) {
    throw new SessionSettingsError(`SKYPILOT_DEMO_STATS_TOKEN must be at least ${STATS_TOKEN_MIN_LENGTH} characters`);
  }
  const redisUrl = env.SKYPILOT_DEMO_REDIS_URL?.trim() || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    throw new SessionSettingsError(`SKYPILOT_DEMO_REDIS_URL must start with redis:// or rediss://, got '${redisUrl}'`);
  }
  const redisPrefix = env.SKYPILOT_DEMO_REDIS_PREFIX?.trim() || 'skyts:demo:';
  if (!/^[\w:.-]{1,64}$/.test(redisPrefix)) {
    throw new SessionSettingsError(
      `SKYPILOT_DEMO_REDIS_PREFIX must be 1 to 64 letters, digits, ':', '.', '_' or '-', got '${redisPrefix}'`,
    );
  }
  return {
    enabled: s.enabled,
    sessionMinutes: s.session_minutes,
    maxExtensions: s.max_extensions,
    maxSessions: s.max_sessions,
    maxChanges: s.max_changes_per_session,
    maxSessionBytes: s.max_session_kib * 1024,
    newSessionsPerMinute: s.new_sessions_per_minute,
    reclaimIdleMinutes: s.reclaim_idle_minutes,
    sweepSeconds: s.sweep_seconds,
    startSeconds: s.start_seconds,
    launch: s.launch,
    redisUrl,
    redisPrefix,
    statsToken,
  };
}
