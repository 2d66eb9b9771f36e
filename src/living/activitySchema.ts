/**
 * The shape of `activity.yaml`: the living part of the demo world. Each entry is a stream of runs
 * made from one template, one run every `every` (anchored to `epoch`, so a run's times are absolute
 * and every replica agrees); a run's durations and outcome are drawn from the seeded PRNG by its index
 * within the `cycle`, so the schedule repeats after a cycle. See fixtures/README.md.
 */
import { z } from 'zod';
import { generatedSection } from './generatedSpec';
import { cloudRegistry } from '../state/clouds';
import { DURATION, parseDuration } from './duration';

const duration = z.string().regex(DURATION, 'expected a duration like "45s", "4m" or "1h 30m"').transform(parseDuration);
/** One duration, or [shortest, longest] drawn between. */
const range = z
  .union([duration, z.tuple([duration, duration])])
  .transform((r): [number, number] => (Array.isArray(r) ? r : [r, r]))
  .refine(([min, max]) => min <= max, 'the first duration must not exceed the second');
const email = z.string().regex(/^[^\s@]+@[^\s@]+$/, 'expected an e-mail address');
const name = z
  .string()
  .min(1)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');
const file = z
  .string()
  .regex(/^[\w./-]+$/, 'expected a file path under src/demo/fixtures')
  .refine((p) => !p.split('/').includes('..'), 'the file must be inside src/demo/fixtures');
const cloud = z.string().refine((c) => cloudRegistry.isKnown(c), { message: `expected one of ${cloudRegistry.names().join(', ')}` });
const weight = z.number().min(0);
const outcomes = z
  .strictObject({ SUCCEEDED: weight.optional(), FAILED: weight.optional(), CANCELLED: weight.optional() })
  .refine((o) => Object.values(o).some((w) => (w ?? 0) > 0), 'at least one outcome needs a weight above 0');

/** What every stream has: who submits, how often, how many finished runs stay listed. */
const stream = {
  name,
  users: z.array(email).min(1),
  every: duration.refine((s) => s >= 60, 'runs must be at least 1m apart'),
  /** Shifts this stream's slots, so streams with the same `every` do not all move at once. */
  offset: duration.default(0),
  /** Finished runs still listed (the newest); running ones are always listed. */
  keep: z.number().int().min(0).max(500).default(5),
  resources: z.string(),
  /** The job's output: its lines are printed in turn (then again), one every `line_seconds`. */
  log: file,
  line_seconds: z.number().int().min(1).max(600).default(4),
  outcomes: outcomes.default({ SUCCEEDED: 1 }),
  failure_reason: z.string().default('Job failed with return code 1.'),
};

const placement = {
  cloud,
  region: z.string().nullish(),
  zone: z.string().nullish(),
  instance_type: z.string(),
  nodes: z.number().int().positive().default(1),
};

const managedJobStream = z.strictObject({
  ...stream,
  ...placement,
  workspace: name,
  task: file,
  pending: range,
  starting: range,
  running: range,
  /** Chance that a run is preempted once while running (spot), then recovers. */
  preemption: z.number().min(0).max(1).default(0),
  recovery: range.default([60, 180]),
});

const clusterJobStream = z.strictObject({
  ...stream,
  /** A cluster of clusters.yaml; runs show only while it is UP. */
  cluster: name,
  pending: range,
  setup: range,
  running: range,
});

const clusterStream = z.strictObject({
  ...stream,
  ...placement,
  workspace: name,
  task: file,
  provision: range,
  /** How long the cluster's one job runs once the cluster is UP. */
  busy: range,
  /** Idle minutes after the job before autostop acts. */
  idle_minutes: z.number().int().min(1),
  /** Autostop tears the cluster down (it moves to the history) instead of stopping it. */
  down: z.boolean().default(true),
  /** Stopped clusters this stream keeps listed (the newest), torn-down ones kept in the history. */
  keep_history: z.number().int().min(0).max(1000).default(20),
});

export const activityFile = z
  .strictObject({
    seed: z.number().int(),
    /** Where run numbers (and so ids) count from. */
    epoch: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO date like 2026-01-01T00:00:00Z')
      .transform((s) => Math.floor(Date.parse(s) / 1000))
      .default(1767225600),
    cycle: duration.default(86400),
    managed_jobs: z.array(managedJobStream).default([]),
    cluster_jobs: z.array(clusterJobStream).default([]),
    clusters: z.array(clusterStream).default([]),
    /** An org of any size generated from the seed (generatedSpec.ts); absent: none. */
    generated: generatedSection.optional(),
  })
  .superRefine((a, ctx) => {
    const streams = [
      ...a.managed_jobs.map((s, i) => ['managed_jobs', i, s] as const),
      ...a.cluster_jobs.map((s, i) => ['cluster_jobs', i, s] as const),
      ...a.clusters.map((s, i) => ['clusters', i, s] as const),
    ];
    for (const [section, i, s] of streams) {
      if (a.cycle % s.every !== 0) {
        ctx.addIssue({ code: 'custom', path: [section, i, 'every'], message: 'must divide the cycle, so the schedule repeats' });
      }
    }
  });

export type Activity = z.infer<typeof activityFile>;
export type ManagedJobStream = z.infer<typeof managedJobStream>;
export type ClusterJobStream = z.infer<typeof clusterJobStream>;
export type ClusterStream = z.infer<typeof clusterStream>;
