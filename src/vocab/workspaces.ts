/** Workspaces: named slices of the server config. `default` always exists and cannot be deleted. */
export const DEFAULT_WORKSPACE = 'default';

/** A workspace's config, e.g. `{private: true, allowed_users: [...], aws: {disabled: true}}`. */
export type WorkspaceConfig = Record<string, unknown>;
export type WorkspacesMap = Record<string, WorkspaceConfig>;
