/** Arguments and options that several commands take, worded once so their help reads the same. */
import type { ArgumentSpec, OptionSpec } from './command';

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
