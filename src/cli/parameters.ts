/** Arguments and options that several commands take, worded once so their help reads the same. */
import type { ArgumentSpec, OptionSpec } from './command';
import { parseNonNegativeInt } from './parsers';

export const CLUSTER_ARGUMENT: ArgumentSpec = { name: '<cluster>', description: 'cluster name' };

export const CLUSTERS_ARGUMENT: ArgumentSpec = { name: '<clusters...>', description: 'cluster names' };

export const JSON_OPTION: OptionSpec = { flags: '--json', description: 'print JSON' };

/** Upstream's `-y` skips a prompt; `stop`, `start` and `autostop` never prompt here, but scripts pass it. */
export const YES_ACCEPTED_OPTION: OptionSpec = {
  flags: '-y, --yes',
  description: 'do not ask for confirmation (accepted for compatibility)',
};

export const PURGE_OPTION: OptionSpec = { flags: '-p, --purge', description: 'remove the cluster record even if the cloud call fails' };

/** `sky jobs queue`: upstream's `-u`, and `-a`, this CLI's older spelling. */
export const ALL_USERS_JOBS_OPTION: OptionSpec = { flags: '-u, --all-users', description: "show all users' jobs" };
export const ALL_ALIAS_OPTION: OptionSpec = { flags: '-a, --all', description: "the same as -u (this CLI's older spelling)" };

/** `sky logs` and `sky jobs logs`: follow by default, as upstream. */
export const FOLLOW_OPTIONS: readonly OptionSpec[] = [
  { flags: '-f, --follow', description: 'follow the log as it grows (the default)' },
  { flags: '--no-follow', description: 'print the log so far and exit' },
];

export const TAIL_OPTION: OptionSpec = {
  flags: '--tail <lines>',
  description: 'only the last N lines (0 = all)',
  parse: parseNonNegativeInt,
};

/** The clusters `status` and `queue` take, yours by default. */
export const YOUR_CLUSTERS_ARGUMENT: ArgumentSpec = { name: '[clusters...]', description: 'cluster names (default: your clusters)' };
