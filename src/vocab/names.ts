/**
 * Name rules, as SkyPilot validates them, written once for the server's validation, the CLI and the
 * dashboard. None of them admits control characters, so no stored name can drive a terminal.
 */

/** Cluster names (`sky/utils/common_utils.py` `check_cluster_name_is_valid`). */
export const CLUSTER_NAME_PATTERN = /^[a-zA-Z]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/;
export const CLUSTER_NAME_MAX_LENGTH = 255;
export const CLUSTER_NAME_RULE = 'start with a letter, end with a letter or digit, and use letters, digits, "-", "_" and "."';

/** Workspace names (`sky/workspaces/core.py`): the config key of a workspace. */
export const WORKSPACE_NAME_PATTERN = /^[a-zA-Z0-9]([-_a-zA-Z0-9]*[a-zA-Z0-9])?$/;
export const WORKSPACE_NAME_MAX_LENGTH = 128;
export const WORKSPACE_NAME_RULE = 'use letters, digits, "-" and "_", starting and ending with a letter or digit';

/** User names: printable text (an e-mail, a login), no control or bidi-override characters. */
export const UNSAFE_TEXT_PATTERN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
export const USER_NAME_MAX_LENGTH = 128;
export const USER_NAME_RULE = 'printable characters only (no control characters), at most 128';
