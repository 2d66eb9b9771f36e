/**
 * How a refused request's error reads, for the one client page that shows only part of it. The
 * official dashboard's volume delete shows `Failed to delete volume with status 500, error: <error>`
 * in an error box whose cleaner keeps only what follows the first `failed:` (its ErrorDisplay). So
 * its refusal says what failed first, and the box shows the read-only sentence alone, as workspace
 * apply does; the CLI prints the same line (`Deleting volumes failed: This is a read-only demo...`).
 * Every other refusal keeps the bare sentence. The recipe pages cannot be helped from here: their
 * connector wraps every failure (any status, any body) in `Error in apiClient.fetch for <path>`.
 */
const LEADS: Readonly<Record<string, string>> = {
  'sky.volume_delete': 'Deleting volumes failed',
};

/** The failed request's message for the request `name` refused with `message`. */
export function refusalMessage(name: string, message: string): string {
  const lead = LEADS[name];
  return lead ? `${lead}: ${message}` : message;
}
