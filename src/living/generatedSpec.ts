/**
 * The `generated` section of activity.yaml: an org of any size, generated from the seed (off unless
 * the section is there). A preset names a size; any count can be overridden.
 */
import { z } from 'zod';

export const GENERATED_PRESETS = {
  /** Upstream's production scale. */
  enterprise: { users: 400, clusters: 1_500, managed_jobs: 12_500, history: 220_000, events: 290_000, history_days: 365 },
  /** What a browser test opens in a few seconds. */
  mid: { users: 60, clusters: 300, managed_jobs: 2_000, history: 20_000, events: 20_000, history_days: 90 },
  /** What the property tests rebuild hundreds of times. */
  small: { users: 8, clusters: 24, managed_jobs: 60, history: 200, events: 300, history_days: 30 },
} as const;

const count = (max: number) => z.number().int().min(0).max(max);

export const generatedSection = z
  .strictObject({
    preset: z.enum(Object.keys(GENERATED_PRESETS) as [keyof typeof GENERATED_PRESETS]).default('small'),
    users: count(100_000).min(1).optional(),
    clusters: count(100_000).optional(),
    /** Managed jobs in progress at every instant (each also lists its previous, finished run). */
    managed_jobs: count(200_000).optional(),
    /** Terminated clusters in the cost report's history, spread over `history_days`. */
    history: count(2_000_000).optional(),
    /** Cluster events kept over the live clusters (split evenly among them). */
    events: count(5_000_000).optional(),
    history_days: count(3_650).min(1).optional(),
  })
  .transform(({ preset, ...counts }) => ({ ...GENERATED_PRESETS[preset], ...stripUndefined(counts) }));

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type GeneratedSpec = z.output<typeof generatedSection>;
